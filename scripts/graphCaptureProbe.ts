// Issue 21: can onnxruntime-web capture a step graph on WebGPU (enableGraphCapture)? Loads a model's step graph in
// headless Chromium (software adapter) with JSEP, every input a GPU buffer at a fixed shape, runs 4 steps without
// capture and 4 with it (a changing byte and `past`), and prints what ORT says and whether the logits agree.
// `npx tsx scripts/graphCaptureProbe.ts [model] [native]` (default transformer-tiny on JSEP; `native`: ORT's native
// WebGPU EP). A decoder's step graph: its inputs are one new byte,
// `past` and the K/V cache (Perceiver AR's take latent counts that zeros do not satisfy). Finding with
// onnxruntime-web 1.30: JSEP refuses the session, since ORT assigns the step graph's shape ops (the positions from
// `past`) to the CPU and capture needs every node on the WebGPU provider; the native EP accepts it, and its replays
// give other logits than the uncaptured session once the byte and `past` change (up to 2.7 apart).
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { chromiumArgs } from '../playwright.config';

const id = process.argv[2] ?? 'transformer-tiny';
const bundle = process.argv[3] === 'native' ? 'ort.webgpu.bundle.min.mjs' : 'ort.bundle.min.mjs';
const roots: Record<string, string> = { '/ort/': 'node_modules/onnxruntime-web/dist/', '/models/': 'public/models/' };
const types: Record<string, string> = { '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(`<script type=module>import * as ort from '/ort/${bundle}'; window.ort = ort;</script>`);
  const root = Object.keys(roots).find((r) => url.startsWith(r));
  if (!root) return res.writeHead(404).end();
  try {
    const path = normalize(join(roots[root], url.slice(root.length)));
    if (!path.startsWith(roots[root])) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream' }).end(readFileSync(path));
  } catch {
    res.writeHead(404).end();
  }
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const port = (server.address() as { port: number }).port;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
try {
  const page = await browser.newPage();
  await page.addInitScript({ content: 'window.__name = (f) => f;' }); // tsx's keep-names helper, used by the evaluated code
  await page.goto(`http://localhost:${port}/`);
  await page.waitForFunction(() => (window as any).ort);
  const results = await page.evaluate(async (id) => {
    const ort = (window as any).ort;
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    const man = await (await fetch(`/models/${id}/manifest.json`)).json();
    const step = new Uint8Array(await (await fetch(`/models/${id}/${man.step.file}`)).arrayBuffer());
    const weights = new Uint8Array(await (await fetch(`/models/${id}/${man.step.weights}`)).arrayBuffer());
    const CAP = 64; // one new byte over a state of 64 rows: a fixed-shape step (rows at or past `past` are masked)
    const out: { capture: boolean; ok: boolean; error?: string; logits?: number[][] }[] = [];
    for (const capture of [false, true]) {
      try {
        const s = await ort.InferenceSession.create(step, { executionProviders: ['webgpu'], enableGraphCapture: capture, externalData: [{ path: man.step.weights, data: weights }], preferredOutputLocation: 'gpu-buffer' });
        const device: GPUDevice = await ort.env.webgpu.device;
        const feeds: Record<string, unknown> = {};
        const buffers: Record<string, GPUBuffer> = {};
        let seed = 1;
        const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5);
        for (const t of man.step.inputs) {
          const dims = t.dims.map((d: number | string) => (d === 'new' ? 1 : typeof d === 'string' ? CAP : d));
          const n = dims.reduce((a: number, b: number) => a * b, 1);
          const buffer = device.createBuffer({ size: Math.max(n * (t.dtype === 'int64' ? 8 : 4), 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
          if (t.dtype === 'float32') device.queue.writeBuffer(buffer, 0, Float32Array.from({ length: n }, rand)); // the same state for both sessions
          buffers[t.name] = buffer;
          feeds[t.name] = ort.Tensor.fromGpuBuffer(buffer, { dataType: t.dtype, dims });
        }
        // steps with a changing byte and `past`: with capture, the first run records and the later ones replay
        const logits: number[][] = [];
        for (let i = 0; i < 4; i++) {
          device.queue.writeBuffer(buffers.tokens, 0, BigInt64Array.of(BigInt(65 + 7 * i)));
          device.queue.writeBuffer(buffers.past, 0, BigInt64Array.of(BigInt(20 + 9 * i)));
          const r = await s.run(feeds);
          logits.push(Array.from((await r.logits.getData()) as Float32Array));
        }
        out.push({ capture, ok: true, logits });
        await s.release();
      } catch (e) {
        out.push({ capture, ok: false, error: String(e) });
      }
    }
    return out;
  }, id);
  console.log(`${id} step graph on WebGPU (${bundle}), every input a GPU buffer, 4 steps with a changing byte and past:`);
  for (const r of results) console.log(`  graph capture ${r.capture ? 'on ' : 'off'}: ${r.ok ? 'ran' : `failed: ${r.error}`}`);
  const [off, on] = results;
  if (off.ok && on.ok)
    on.logits!.forEach((row, i) => {
      const diff = Math.max(...row.map((x, j) => Math.abs(x - off.logits![i][j])));
      console.log(`  step ${i}: captured logits ${diff < 1e-4 ? 'equal' : 'DIFFER from'} the uncaptured ones (max |diff| ${diff.toExponential(2)})`);
    });
} finally {
  await browser.close();
  server.close();
}
