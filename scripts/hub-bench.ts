// npm run bench:hub: decode speed of a Hub decoder in headless Chromium (WASM), the contenders side by side in one
// run on the same files: transformers.js 4.x (`generate`), the bare onnxruntime-web loop (present.* fed back as
// past_key_values.*; on transformers.js's own onnxruntime-web and on the project's), and our engine. The model is
// research/hub.md's 24M-parameter Llama layout (models/hub_fixture.py --bench, generated, not committed), served by
// the local Hub stand-in. Prints prefill (time to first token), decode ms per token (mean and median of the steps
// after the first token) and the ratios against the bare loop, with the backend and ORT build that ran.
//
//   npx tsx scripts/hub-bench.ts [--contexts 1024,4096] [--steps 32] [--threads 2] [--rounds 2]
//                                [--contenders transformers.js,bare-tjs,bare,engine] [--port 4290]
// (kv: src/hub/kvDecoder.ts in the page, without the engine's worker). Every contender: a warm-up generation in its
// session first, then a prompt of N tokens, the first token (prefill), and `steps` tokens timed one by one.
// Each (contender, N) runs in a fresh page, contenders interleaved per round, so drift in the machine's load hits all.
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumArgs } from '../playwright.config';
import { ensureHubFixture } from './lib/hubFixture';
import { startHubServer } from './hub-server';
import type { BenchResult } from './hub-bench/page';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const contexts = (args.get('contexts') ?? '1024,4096').split(',').map(Number);
const steps = Number(args.get('steps') ?? 32);
const threads = Number(args.get('threads') ?? 2);
const rounds = Number(args.get('rounds') ?? 2);
const contenders = (args.get('contenders') ?? 'transformers.js,bare-tjs,bare,engine').split(',');
const port = Number(args.get('port') ?? 4290);
const ROOT = join(import.meta.dirname, '..');

const { root, meta } = ensureHubFixture('bench');
const repo = Object.keys(meta.repos)[0];
const hub = await startHubServer({ root, meta, port: port + 1 });
const nested = join(ROOT, 'node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist');
const vite = await createServer({
  configFile: false,
  root: join(ROOT, 'scripts/hub-bench'),
  logLevel: 'error',
  server: {
    port,
    strictPort: true,
    host: '127.0.0.1',
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    fs: { allow: [ROOT] },
  },
  optimizeDeps: { exclude: ['onnxruntime-web', '@huggingface/transformers'] },
  define: { __APP_VERSION__: JSON.stringify('hub-bench'), __ORT_VERSION__: JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'node_modules/onnxruntime-web/package.json'), 'utf8')).version) },
  worker: { format: 'es' },
});
await vite.listen();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });

type Result = BenchResult;
const fsUrl = (p: string) => `http://127.0.0.1:${port}/@fs${p}`;
async function run(contender: string, n: number): Promise<Result | { error: string }> {
  const page = await browser.newPage();
  const q = new URLSearchParams({
    contender, n: String(n), steps: String(steps), threads: String(threads), hub: hub.url, repo, vocab: String(meta.config.vocab),
    ort131: fsUrl(`${nested}/ort.webgpu.bundle.min.mjs`), mjs131: fsUrl(`${nested}/ort-wasm-simd-threaded.asyncify.mjs`), wasm131: fsUrl(`${nested}/ort-wasm-simd-threaded.asyncify.wasm`),
  });
  try {
    await page.goto(`http://127.0.0.1:${port}/index.html?${q}`, { timeout: 5 * 60_000 }); // the dev server transforms the engine on first use
    await page.waitForFunction(() => (window as { __result?: unknown; __error?: string }).__result ?? (window as { __error?: string }).__error, null, { timeout: 20 * 60_000 });
    return await page.evaluate(() => (window as unknown as { __result?: Result; __error?: string }).__result ?? { error: (window as unknown as { __error: string }).__error });
  } catch (e) {
    return { error: String(e) }; // one contender failing (a timeout under load) does not end the run
  } finally {
    await page.close();
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`hub bench: ${repo} (${meta.config.layers} layers, width ${meta.config.d}, ${meta.config.heads}/${meta.config.kv_heads} heads, vocab ${meta.config.vocab}, fp32), WASM ${threads} threads, ${steps} greedy tokens, Chromium headless; load average ${load()}`);
const results: Result[] = [];
for (const n of contexts)
  for (let r = 0; r < rounds; r++)
    for (const c of contenders) {
      const res = await run(c, n);
      if ('error' in res) {
        console.log(`N=${n} ${c}: FAILED ${res.error.split('\n')[0]}`);
        continue;
      }
      results.push(res);
      console.log(`N=${n} round ${r + 1} ${res.contender} [ORT ${res.ort}, ${res.backend} ${res.threads} threads]: prefill ${res.prefillMs.toFixed(0)} ms, decode ${mean(res.stepsMs).toFixed(1)} ms/token (median ${median(res.stepsMs).toFixed(1)}), load ${res.loadMs.toFixed(0)} ms; load average ${load()}`);
    }
console.log('\nsummary (best round per contender: mean ms per token; ratio to the bare loop on the same ORT as ours):');
for (const n of contexts) {
  const at = results.filter((r) => r.n === n);
  const best = new Map<string, Result>();
  for (const r of at) if (!best.has(r.contender) || mean(r.stepsMs) < mean(best.get(r.contender)!.stepsMs)) best.set(r.contender, r);
  const base = [...best.values()].find((r) => r.contender.startsWith('bare loop (the project'));
  const tokens = [...best.values()].filter((r) => r.tokens.length).map((r) => r.tokens.join(','));
  for (const r of best.values())
    console.log(`  N=${n} ${r.contender.padEnd(44)} ${mean(r.stepsMs).toFixed(1).padStart(7)} ms/token  prefill ${r.prefillMs.toFixed(0).padStart(6)} ms${base ? `  x${(mean(r.stepsMs) / mean(base.stepsMs)).toFixed(2)} of the bare loop` : ''}`);
  console.log(`  N=${n} same greedy tokens from every contender that reports them (the engine's decode point does not): ${new Set(tokens).size === 1}`);
}
console.log(`load average at the end ${load()}`);
await browser.close();
await vite.close();
await hub.close();
