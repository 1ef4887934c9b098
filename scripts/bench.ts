// npm run bench: drives the built app in headless Chromium over the bundled models, measures the same graphs in
// native onnxruntime-node (ORT as shipped: CPU arena on, one process per point), writes results/bench.{json,csv,png}
// and prints latencies, GFLOP/s against each backend's matrix-multiply peak, and issue 14's ratios and targets;
// then cached decoding (prefill, ms per byte, speed-up over the re-run, the largest N; issue 11's targets).
// Figures for the compass, never asserts; on a shared CPU they are noisy (the load average is recorded).
//
//   --models a,b           compare models on WASM (default: every *-compare model)
//   --contexts 1024,8192   N values (default: 256, 512, ... up to each model's limit and --max-context)
//   --max-context N        default 262144
//   --threads 1,2          WASM thread counts, each a sweep of its own (default: 1 .. navigator.hardwareConcurrency)
//   --backends wasm,webgpu,webgpu-native   (webgpu = JSEP, webgpu-native = ORT's native WebGPU EP)
//   --webgpu-models a,b    default: perceiver-ar-tiny, transformer-tiny (the software adapter is too slow for more)
//   --profile-at 1024,8192 per-operator profiles of every WASM model at these N (default 1024,4096,8192; 0: none)
//   --native 0             skip onnxruntime-node
//   --quick 1              Perceiver AR, Transformer and Transformer-XL at 1024, 4096, 8192, the default threads and all
//   --point-timeout-s S    a point slower than this ends that model's sweep (default 120)
//   --warmup-runs W --warmup-ms T --min-runs R   runs after the first, which is reported apart (default 1, 1000, 3)
//   --decode 0             skip cached decoding (default: every --models model with a step graph, at the engine's default
//                          WASM threads, N = 256, 512, ... up to its step graph's capacity and --max-context)
//   --decode-contexts a,b  N values for decoding (--quick: 1024, 4096, 8192, and 65536 for Perceiver AR)
//   --decode-timeout-s S   a decoding point slower than this ends that model's decoding (default 900: a prefill of
//                          65,536 bytes through a full-attention decoder takes minutes on 2 cores)
//   --capacities a,b       decoding at a fixed N (--capacity-n, default 512) with the state allocated for each of these
//                          positions, on --capacity-backends (default webgpu: its --webgpu-models; wasm: --models),
//                          --capacity-rounds times, the capacities interleaved (default 3); on WebGPU also with
//                          captured steps (src/engine/capturedStep.ts) for the models whose step can be captured,
//                          unless --capacity-captured 0
//   --port P               default 4180
import { chromium, type Page } from '@playwright/test';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { chromiumArgs } from '../playwright.config';
import { readIndex, readManifest } from './lib/nodeModel';
import { defaultWasmThreads } from '../src/engine/isolation';
import { uncapturable } from '../src/engine/capturedStep';
import type { NativeDecode, NativePeak, NativePoint } from './lib/nativePoint';
import { decodingLimit, takesLatents } from '../src/catalog/facts';
import { report, type Bench, type BenchPoint, type FirstPrediction } from './lib/benchReport';
import type { Automation } from '../src/automation';
import type { BackendName } from '../src/engine/types';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const list = (k: string) => args.get(k)?.split(',').filter(Boolean);
const quick = args.get('quick') === '1';

const ids = readIndex();
const models = list('models') ?? (quick ? ['perceiver-ar-compare', 'transformer-compare', 'transformer-xl-compare'] : ids.filter((id) => id.endsWith('-compare')));
type Variant = 'wasm' | 'webgpu' | 'webgpu-native';
const backends = (list('backends') ?? (quick ? ['wasm'] : ['wasm', 'webgpu', 'webgpu-native'])) as Variant[];
// on the software adapter a tiny model takes seconds a point: two families (full and latents) keep a run under 30 minutes
const webgpuModels = list('webgpu-models') ?? ['perceiver-ar-tiny', 'transformer-tiny'].filter((id) => ids.includes(id));
const maxContext = Number(args.get('max-context') ?? 262144);
const explicitContexts = list('contexts')?.map(Number) ?? (quick ? [1024, 4096, 8192, 65536] : undefined);
const withDecode = args.get('decode') !== '0';
const decodeTimeoutMs = Number(args.get('decode-timeout-s') ?? 900) * 1000;
const profileAt = (list('profile-at') ?? ['1024', '4096', '8192']).map(Number).filter((n) => n > 0);
const withNative = args.get('native') !== '0';
const pointTimeoutMs = Number(args.get('point-timeout-s') ?? 120) * 1000;
const port = Number(args.get('port') ?? 4180);
// warm-ups by time too: V8 runs WebAssembly in baseline code until a function has run a while (stats.ts)
// --warmup-runs, --min-runs: fewer runs for points that take minutes (the memory-efficient Transformer at 65,536)
const measureOpts = {
  warmupRuns: Number(args.get('warmup-runs') ?? 1),
  warmupMs: Number(args.get('warmup-ms') ?? 1000),
  minRuns: Number(args.get('min-runs') ?? 3),
  minTimeMs: 500,
  maxRuns: 10,
};

function contextsFor(id: string): number[] {
  const limit = Math.min(readManifest(id).config.maxContext, maxContext);
  if (explicitContexts) return explicitContexts.filter((n) => n <= limit);
  const out: number[] = [];
  for (let n = 256; n <= limit; n *= 2) out.push(n);
  return out;
}

/** N values at which a model's cached decoding is measured: up to its step graph's capacity (past the forward's limit). */
function decodeContextsFor(id: string): number[] {
  const m = readManifest(id);
  if (!m.step) return [];
  const limit = Math.min(decodingLimit(m), maxContext);
  const explicit = list('decode-contexts')?.map(Number) ?? (quick ? [1024, 4096, 8192, ...(takesLatents(m) ? [65536] : [])] : undefined);
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

/** One engine call in the page, or null past the time budget (the page is reloaded: the only sure way to stop a worker). */
async function inPage<A, T>(page: Page, open: () => Promise<void>, fn: (lcp: Automation, arg: A) => Promise<T>, arg: A, timeoutMs = pointTimeoutMs): Promise<T | null> {
  const call = page.evaluate(([fn, arg]) => new Function(`return ${fn}`)()((window as any).lcp, arg), [fn.toString(), arg] as const) as Promise<T>;
  // the budget's timer is cleared when the call ends: a pending one kept Node alive after the run (up to the 900 s
  // decoding budget after "wrote results")
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = new Promise<null>((res) => (timer = setTimeout(() => res(null), timeoutMs)));
  const r = await Promise.race([call, budget]).finally(() => clearTimeout(timer));
  if (r === null) await open();
  return r;
}

/** A decoding point that ran past the bench's budget (the page was reloaded to stop it); its forward was not asked. */
const decodeOverBudget = (modelId: string, backend: BackendName, contextLength: number, variant: string, skipForward: string): BenchPoint => ({
  ok: false, modelId, backend, contextLength, variant, failure: { kind: 'skipped', message: skipForward }, estimate: null as never,
  decode: { ok: false, failure: { kind: 'cancelled', message: `over the bench's ${decodeTimeoutMs / 1000} s per-point budget for decoding` } },
});
const decodeFailure = (d: BenchPoint['decode']) => `FAILED ${d && !d.ok ? `${d.failure.kind}: ${d.failure.message}` : 'no decoding'}`;

/** Page loaded, then Run pressed with the default models and input: when do both models' predictions show? */
async function firstPrediction(page: Page, base: string): Promise<FirstPrediction> {
  const t0 = Date.now();
  await page.goto(base);
  await page.waitForFunction(() => (window as any).lcp?.store?.getState().ready && (window as any).lcp.store.getState().bytes.length > 0, null, { timeout: 120_000 });
  const readyMs = Date.now() - t0;
  const selected: string[] = await page.evaluate(() => (window as any).lcp.store.getState().selected);
  await page.waitForFunction((ids) => ids.every((id: string) => (window as any).lcp.store.getState().status[id]?.loaded), selected, { timeout: 120_000 });
  const preloadedMs = Date.now() - t0;
  const t1 = Date.now();
  await page.getByTestId('run').click();
  await page.waitForFunction((ids) => ids.every((id: string) => (window as any).lcp.store.getState().status[id]?.prediction), selected, { timeout: 120_000 });
  const runToPredictionsMs = Date.now() - t1;
  const loaded = await page.evaluate((ids) => ids.map((id: string) => (window as any).lcp.store.getState().status[id].loaded), selected);
  return { models: selected, readyMs, preloadedMs, runToPredictionsMs, sessionMs: loaded.map((l: { loadMs: number }) => l.loadMs), context: await page.evaluate(() => (window as any).lcp.store.getState().context) };
}

function native<T>(kind: 'model' | 'decode' | 'matmul', ...rest: (string | number)[]): T {
  // a process per point: ORT's arena keeps what a large point allocated
  const out = execFileSync('npx', ['tsx', 'scripts/lib/nativePoint.ts', kind, ...rest.map(String)], {
    env: { ...process.env, LCP_POLICY: JSON.stringify(measureOpts) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

async function main() {
  mkdirSync('results', { recursive: true });
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  const base = `http://127.0.0.1:${port}/`;
  const started = Date.now();
  const bench: Bench = { stamp: new Date().toISOString(), env: {}, loadAverage: { start: loadavg() }, measureOpts, points: [], peaks: [], profiles: [], native: [], decode: [], nativeDecode: [] };
  try {
    await waitForServer(base);
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
    const page = await browser.newPage();
    page.setDefaultNavigationTimeout(180_000); // a shared 2-core machine under load loads the page slowly
    const open = async () => {
      await page.goto(base);
      await page.waitForFunction(() => (window as any).lcp?.engine, null, { timeout: 60_000 });
    };
    // a cold page (no compiled code yet) first: what a visitor sees
    bench.firstPrediction = await firstPrediction(page, base);
    console.log('first prediction:', JSON.stringify(bench.firstPrediction));
    await open();
    bench.env = await page.evaluate(async () => ({
      userAgent: navigator.userAgent,
      hardwareConcurrency: navigator.hardwareConcurrency,
      crossOriginIsolated: self.crossOriginIsolated,
      gpu: await (window as any).lcp.engine.detectWebGPU(),
    }));
    console.log('environment:', JSON.stringify(bench.env));
    const cores = (bench.env as { hardwareConcurrency: number }).hardwareConcurrency;
    const threads = list('threads')?.map(Number) ?? (quick ? [...new Set([defaultWasmThreads(cores), cores])] : Array.from({ length: cores }, (_, i) => i + 1));
    bench.threads = threads;

    // The page compiles each onnxruntime-web build once and every worker shares its code (ort.ts): the cold start is
    // the first prediction above. Before timing, every model runs a while at 1,024 bytes so the sweep's first points
    // are not timed in baseline code while later ones get optimised code.
    if (backends.includes('wasm'))
      for (const id of models) {
        const p = await inPage(page, open, (lcp, a) => lcp.engine.measure(a.id, 'wasm', 1024, a.o), { id, o: { warmupRuns: 1, warmupMs: 3000, minRuns: 1, minTimeMs: 0, maxRuns: 1 } });
        console.log(`code warm-up ${id}: ${p?.ok ? `first run ${p.firstRunMs.toFixed(0)} ms, session ${p.sessionMs?.toFixed(0)} ms` : JSON.stringify(p)}`);
      }
    const variants = backends.flatMap((b): { b: Variant; t: number }[] => (b === 'wasm' ? threads.map((t) => ({ b, t })) : [{ b, t: 0 }]));
    for (const { b, t } of variants) {
      const impl = b === 'webgpu-native' ? 'native' : 'jsep';
      const real: BackendName = b === 'wasm' ? 'wasm' : 'webgpu';
      const variant = b === 'wasm' ? `wasm ${t}t` : b === 'webgpu' ? 'webgpu jsep' : 'webgpu native';
      const opts = { webgpuImpl: impl, wasmThreads: t || 1 } as const;
      const measurePeak = async (when: string) => {
        const peak = await inPage(page, open, (lcp, a) => lcp.createEngine(a.opts).peak(a.real, a.n), { opts, real, n: b === 'wasm' ? 1024 : 256 });
        console.log(`${variant} matmul peak (${when}):`, peak?.ok ? `${peak.gflops.toFixed(1)} GFLOP/s, copy ${peak.copyGBps?.toFixed(1)} GB/s (n=${peak.n}, ${peak.provenance.ep}, onnxruntime-web ${peak.provenance.ort})` : JSON.stringify(peak));
        return peak;
      };
      const peaks = [await measurePeak('before the sweep')];
      for (const id of b === 'wasm' ? models : webgpuModels) {
        for (const n of contextsFor(id)) {
          process.stdout.write(`${variant} ${id} N=${n} ... `);
          const p = await inPage(page, open, (lcp, a) => lcp.createEngine(a.opts).measure(a.id, a.real, a.n, a.o), { opts, id, real, n, o: measureOpts });
          const point: BenchPoint = p
            ? { ...p, variant }
            : { ok: false, modelId: id, backend: real, contextLength: n, variant, failure: { kind: 'cancelled', message: `over the bench's ${pointTimeoutMs / 1000} s per-point budget` }, estimate: null as never };
          bench.points.push(point);
          console.log(
            point.ok
              ? `median ${point.medianMs.toFixed(1)} ms (p95 ${point.p95Ms.toFixed(1)}, first ${point.firstRunMs.toFixed(0)}, session ${point.sessionMs?.toFixed(0)}, ${(point.estimate.flops / point.medianMs / 1e6).toFixed(2)} GFLOP/s)`
              : `FAILED ${point.failure.kind}: ${point.failure.message}`,
          );
          if (!point.ok) break;
        }
      }
      // the peak again after the sweep: on this machine two runs minutes apart measured 15 and 44 GFLOP/s; the higher
      // of the two is the reference, and the higher copy bandwidth (a low one flatters the models' shares and lowers
      // the decode floor)
      peaks.push(await measurePeak('after the sweep'));
      const ok = peaks.filter((p): p is Extract<typeof p, { ok: true }> => !!p?.ok);
      const best = ok.sort((x, y) => y.gflops - x.gflops)[0];
      if (best) bench.peaks.push({ ...best, copyGBps: Math.max(...ok.map((p) => p.copyGBps ?? 0)) || undefined, variant, runsGflops: ok.map((p) => p.gflops) });
      else if (peaks[0]) bench.peaks.push({ ...peaks[0], variant });
    }
    // Cached decoding with the engine's default thread count (what the page runs): a prefill of N - D bytes, then D
    // decode steps (measureDecode.ts); the forward it is compared with is the sweep's point above
    if (withDecode && backends.includes('wasm'))
      for (const id of models) {
        for (const n of decodeContextsFor(id)) {
          process.stdout.write(`decode wasm ${id} N=${n} ... `);
          const o = { decode: true, skipForward: 'the bench times the forward in its sweep' };
          const p = await inPage(page, open, (lcp, a) => lcp.engine.measure(a.id, 'wasm', a.n, a.o), { id, n, o }, decodeTimeoutMs);
          const point: BenchPoint = p ? { ...p, variant: 'decode' } : decodeOverBudget(id, 'wasm', n, 'decode', o.skipForward);
          bench.decode.push(point);
          const d = point.decode;
          console.log(d?.ok ? `prefill ${d.prefillMs.toFixed(0)} ms, ${d.msPerByte.toFixed(2)} ms per byte (median ${d.medianMs.toFixed(2)}, ${d.stepsMs.length} steps, ${d.refills} refills), state ${(d.stateBytes / 2 ** 20).toFixed(1)} MiB` : decodeFailure(d));
          if (!d?.ok) break;
        }
      }
    // The state's capacity against a step's time, N fixed (issue 21); WebGPU keeps the state in GPU buffers
    const capacities = list('capacities')?.map(Number) ?? [];
    const capacityN = Number(args.get('capacity-n') ?? 512);
    const rounds = Number(args.get('capacity-rounds') ?? 3);
    // WebGPU also with captured steps where the model's can be (they read the state at its capacity: fixed shapes)
    const capacityRuns = (list('capacity-backends') ?? ['webgpu']).flatMap((b): { b: 'wasm' | 'webgpu'; state?: 'captured' }[] =>
      b === 'wasm' ? [{ b: 'wasm' }] : [{ b: 'webgpu' }, ...(args.get('capacity-captured') === '0' ? [] : [{ b: 'webgpu' as const, state: 'captured' as const }])],
    );
    for (const { b, state } of capacityRuns)
      for (const id of capacities.length ? (b === 'wasm' ? models : webgpuModels.filter((id) => !state || !uncapturable(readManifest(id)))) : [])
        for (let round = 0; round < rounds; round++)
          // the order alternates between rounds: a worker started later in a round ran faster (warmer caches), which
          // made the last capacity look cheaper
          for (const capacity of round % 2 ? [...capacities].reverse() : capacities) {
            const variant = b === 'wasm' ? 'wasm (default threads)' : state ? 'webgpu jsep, captured steps' : 'webgpu jsep';
            process.stdout.write(`decode ${variant} ${id} N=${capacityN} capacity ${capacity} ... `);
            const o = { decode: true, decodeCapacity: capacity, decodeGpuState: state, skipForward: 'decoding only' };
            const p = await inPage(page, open, (lcp, a) => lcp.createEngine({ webgpuImpl: 'jsep' }).measure(a.id, a.b, a.n, a.o), { id, b, n: capacityN, o }, decodeTimeoutMs);
            const point: BenchPoint = p ? { ...p, variant } : decodeOverBudget(id, b, capacityN, variant, o.skipForward);
            const d = point.decode;
            // the state holds at least what the prompt and steps need: a capacity under N is that many
            (bench.capacity ??= []).push({ variant, modelId: id, contextLength: capacityN, capacity: d?.ok && d.capacity ? d.capacity : capacity, round, point, capturedOf: state && 'webgpu jsep' });
            console.log(d?.ok ? `${d.medianMs.toFixed(2)} ms median step, state ${(d.stateBytes / 2 ** 20).toFixed(1)} MiB on the ${d.stateOn}` : decodeFailure(d));
          }
    // Profiles with the engine's default thread count (what the page runs)
    for (const n of profileAt)
      for (const id of models.filter((id) => n <= Math.min(readManifest(id).config.maxContext, maxContext))) {
        const p = await inPage(page, open, (lcp, a) => lcp.engine.profile(a.id, 'wasm', a.n), { id, n });
        if (p) bench.profiles.push(p);
        console.log(`profile wasm ${id} N=${n}:`, p?.ok ? p.top.slice(0, 3).map((o) => `${o.name} ${o.ms.toFixed(1)} ms (${o.category})`).join('; ') : JSON.stringify(p));
      }
    await browser.close();
  } finally {
    try {
      process.kill(-server.pid!);
    } catch {
      // the server is already gone
    }
  }
  // Native runs come after every browser run: ORT's native threads spin after a run and would steal the cores.
  if (withNative) {
    bench.nativePeak = native<NativePeak>('matmul', 1024);
    console.log(`native matmul peak: ${bench.nativePeak.gflops.toFixed(1)} GFLOP/s`);
    const done = new Set<string>();
    for (const p of bench.points) {
      const key = `${p.modelId}|${p.contextLength}`;
      if (!p.ok || p.backend !== 'wasm' || done.has(key)) continue;
      done.add(key);
      try {
        bench.native.push(native<NativePoint>('model', p.modelId, p.contextLength, ...(p.numLatents ? [p.numLatents] : [])));
        console.log(`native ${key}: ${bench.native.at(-1)!.medianMs.toFixed(1)} ms`);
      } catch (e) {
        console.log(`native ${key} failed: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  if (withNative)
    for (const p of bench.decode) {
      // natively too where the forward ran: WASM against native for decoding, and its own speed-up
      if (!p.decode?.ok || !bench.native.some((x) => x.modelId === p.modelId && x.contextLength === p.contextLength)) continue;
      try {
        bench.nativeDecode.push(native<NativeDecode>('decode', p.modelId, p.contextLength));
        console.log(`native decode ${p.modelId}|${p.contextLength}: ${bench.nativeDecode.at(-1)!.msPerByte.toFixed(2)} ms per byte`);
      } catch (e) {
        console.log(`native decode ${p.modelId}|${p.contextLength} failed: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  bench.loadAverage.end = loadavg();
  bench.wallSeconds = (Date.now() - started) / 1000;
  report(bench);
  // Everything is closed by now, so Node exits; if a handle still holds it, say which instead of hanging
  setTimeout(() => {
    console.error(`bench: still running 10 s after writing its results, held by ${JSON.stringify(process.getActiveResourcesInfo())}; exiting`);
    process.exit(2);
  }, 10_000).unref();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
