// npm run bench: drives the built app in headless Chromium over the bundled models and both backends,
// measures the same graphs with native onnxruntime-node, writes results/bench.{json,csv,png} and prints
// latency ratios (baseline / Perceiver AR, WASM / native). Figures for the compass, not asserts.
//
// Options: --models a,b  --backends wasm,webgpu  --contexts 256,1024  --max-context N
//          --point-timeout-s S (a point slower than this ends that model's sweep on that backend)
//          --webgpu-models a,b (default: the tiny models; the software adapter is far too slow for the rest)
// Backends: wasm, webgpu (JSEP, the engine's default), webgpu-native (ORT's native C++ WebGPU EP).
import { chromium } from '@playwright/test';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumArgs } from '../playwright.config';
import { openNodeModel, readIndex, readManifest, runLogits } from './lib/nodeModel';
import { median, quantile } from '../src/engine/stats';
import type { BackendName, MeasurePoint } from '../src/engine/types';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const list = (k: string) => args.get(k)?.split(',').filter(Boolean);

const ids = readIndex();
const models = list('models') ?? ids.filter((id) => id.endsWith('-compare'));
type BenchBackend = BackendName | 'webgpu-native';
const backends = (list('backends') ?? ['wasm', 'webgpu', 'webgpu-native']) as BenchBackend[];
const webgpuModels = list('webgpu-models') ?? ids.filter((id) => id.endsWith('-tiny'));
const maxContext = Number(args.get('max-context') ?? 65536);
const pointTimeoutMs = Number(args.get('point-timeout-s') ?? 90) * 1000;
const port = Number(args.get('port') ?? 4180);
const measureOpts = { warmupRuns: 1, minRuns: 3, minTimeMs: 500, maxRuns: 10 };

function contextsFor(id: string): number[] {
  const explicit = list('contexts')?.map(Number);
  const limit = Math.min(readManifest(id).config.maxContext, maxContext);
  if (explicit) return explicit.filter((n) => n <= limit);
  const out: number[] = [];
  for (let n = 256; n <= limit; n *= 2) out.push(n);
  return out;
}

async function waitForServer(url: string) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server at ${url} did not start`);
}

interface NativePoint {
  modelId: string;
  contextLength: number;
  medianMs: number;
  p95Ms: number;
  runs: number;
}

// Native onnxruntime-node on the same graph and input length, same run policy as the browser.
async function measureNative(id: string, n: number, numLatents?: number): Promise<NativePoint> {
  const m = await openNodeModel(id);
  const tokens = Array.from({ length: n }, (_, i) => (i * 131 + 7) % 256);
  await runLogits(m, tokens, numLatents); // first run
  const samples: number[] = [];
  const t0 = performance.now();
  while (samples.length < measureOpts.maxRuns && (samples.length < measureOpts.minRuns || performance.now() - t0 < measureOpts.minTimeMs)) {
    const t = performance.now();
    await runLogits(m, tokens, numLatents);
    samples.push(performance.now() - t);
  }
  await m.session.release();
  return { modelId: id, contextLength: n, medianMs: median(samples), p95Ms: quantile(samples, 0.95), runs: samples.length };
}

async function main() {
  mkdirSync('results', { recursive: true });
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  const base = `http://127.0.0.1:${port}/`;
  const points: MeasurePoint[] = [];
  const native: NativePoint[] = [];
  let env: unknown = null;
  try {
    await waitForServer(base);
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
    const page = await browser.newPage();
    const open = async () => {
      await page.goto(base);
      await page.waitForFunction(() => (window as any).lcp?.engine, null, { timeout: 60_000 });
    };
    await open();
    env = await page.evaluate(async () => ({
      userAgent: navigator.userAgent,
      hardwareConcurrency: navigator.hardwareConcurrency,
      crossOriginIsolated: self.crossOriginIsolated,
      gpu: await (window as any).lcp.engine.detectWebGPU(),
    }));
    console.log('environment:', JSON.stringify(env));
    for (const backend of backends) {
      const these = backend === 'wasm' ? models : webgpuModels;
      const impl = backend === 'webgpu-native' ? 'native' : 'jsep';
      const real: BackendName = backend === 'wasm' ? 'wasm' : 'webgpu';
      for (const id of these) {
        for (const n of contextsFor(id)) {
          process.stdout.write(`${backend} ${id} N=${n} ... `);
          const p = await Promise.race([
            page.evaluate(
              ([id, real, n, o, impl]) => (window as any).lcp.createEngine({ webgpuImpl: impl }).measure(id, real, n, o),
              [id, real, n, measureOpts, impl] as const,
            ).then((p: MeasurePoint) => ({ ...p, backend: backend as BackendName })) as Promise<MeasurePoint>,
            new Promise<null>((r) => setTimeout(() => r(null), pointTimeoutMs)),
          ]);
          if (p === null) {
            // The worker is still busy: reloading the page is the only sure way to stop it.
            points.push({ ok: false, modelId: id, backend: backend as BackendName, contextLength: n, failure: { kind: 'cancelled', message: `over the bench's ${pointTimeoutMs / 1000} s per-point budget` }, estimate: null as never });
            console.log('over time budget: stopping this model here');
            await open();
            break;
          }
          points.push(p);
          console.log(p.ok ? `median ${p.medianMs.toFixed(1)} ms (p95 ${p.p95Ms.toFixed(1)}, first ${p.firstRunMs.toFixed(0)}, threads ${p.wasmThreads})` : `FAILED ${p.failure.kind}: ${p.failure.message}`);
          if (!p.ok) break;
        }
      }
    }
    await browser.close();
  } finally {
    try {
      process.kill(-server.pid!);
    } catch {
      // the server is already gone
    }
  }
  // Native runs come after every browser run: ORT's native thread pool spins after a run and would steal the
  // cores from the next browser measurement.
  for (const p of points) if (p.ok && p.backend === 'wasm') native.push(await measureNative(p.modelId, p.contextLength, p.numLatents));
  report(points, native, env);
}

function report(points: MeasurePoint[], native: NativePoint[], env: unknown) {
  const stamp = new Date().toISOString();
  writeFileSync(join('results', 'bench.json'), JSON.stringify({ stamp, env, measureOpts, points, native }, null, 1));
  const rows = ['model,backend,context,ok,median_ms,p95_ms,first_run_ms,tokens_per_s,gpu_peak_bytes,wasm_heap_bytes,estimate_bytes,native_median_ms,failure'];
  for (const p of points) {
    const nat = native.find((x) => x.modelId === p.modelId && x.contextLength === p.contextLength);
    rows.push(
      p.ok
        ? [p.modelId, p.backend, p.contextLength, 1, p.medianMs, p.p95Ms, p.firstRunMs, p.bytesPerSec, p.memory.gpuAllocatedPeakBytes ?? '', p.memory.wasmHeapBytes ?? '', p.estimate.totalBytes, p.backend === 'wasm' ? nat?.medianMs ?? '' : '', ''].join(',')
        : [p.modelId, p.backend, p.contextLength, 0, '', '', '', '', '', '', p.estimate?.totalBytes ?? '', '', JSON.stringify(`${p.failure.kind}: ${p.failure.message}`)].join(','),
    );
  }
  writeFileSync(join('results', 'bench.csv'), rows.join('\n') + '\n');

  // Ratio tables: every baseline against Perceiver AR on the same backend and N; WASM against native.
  for (const backend of new Set(points.map((p) => p.backend))) {
    const ok = points.filter((p): p is Extract<MeasurePoint, { ok: true }> => p.ok && p.backend === backend);
    const ref = ok.filter((p) => p.modelId.startsWith('perceiver-ar'));
    const ns = [...new Set(points.filter((p) => p.backend === backend).map((p) => p.contextLength))].sort((a, b) => a - b);
    const ids = [...new Set(points.filter((p) => p.backend === backend).map((p) => p.modelId))];
    console.log(`\n${backend}: median latency (ms) and ratio to Perceiver AR at the same N`);
    console.log(['N', ...ids].join('\t'));
    for (const n of ns) {
      const r = ref.find((p) => p.contextLength === n);
      const cells = ids.map((id) => {
        const p = points.find((q) => q.modelId === id && q.backend === backend && q.contextLength === n);
        if (!p) return '-';
        if (!p.ok) return `failed (${p.failure.kind})`;
        return r && !id.startsWith('perceiver-ar') ? `${p.medianMs.toFixed(0)} (x${(p.medianMs / r.medianMs).toFixed(2)})` : p.medianMs.toFixed(0);
      });
      console.log([n, ...cells].join('\t'));
    }
  }
  if (native.length) {
    console.log('\nWASM / native onnxruntime-node (same graph, same N)');
    for (const nat of native) {
      const w = points.find((p) => p.ok && p.backend === 'wasm' && p.modelId === nat.modelId && p.contextLength === nat.contextLength);
      if (w && w.ok) console.log(`${nat.modelId}\tN=${nat.contextLength}\twasm ${w.medianMs.toFixed(1)} ms\tnative ${nat.medianMs.toFixed(1)} ms\tx${(w.medianMs / nat.medianMs).toFixed(2)}`);
    }
  }
  for (const id of new Set(points.map((p) => `${p.modelId}|${p.backend}`))) {
    const [m, b] = id.split('|');
    const ps = points.filter((p) => p.modelId === m && p.backend === b);
    const lastOk = ps.filter((p) => p.ok).at(-1);
    const fail = ps.find((p) => !p.ok);
    console.log(`largest N on ${b} for ${m}: ${lastOk?.contextLength ?? 'none'}${fail && !fail.ok ? `; stopped at ${fail.contextLength}: ${fail.failure.kind}: ${fail.failure.message}` : '; reached its limit'}`);
  }
  try {
    execFileSync('/usr/bin/python3', ['scripts/plot_bench.py', 'results/bench.json', 'results/bench.png'], { stdio: 'inherit' });
  } catch (e) {
    console.log('chart not drawn:', (e as Error).message);
  }
  console.log('\nwrote results/bench.json, results/bench.csv, results/bench.png');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
