// The step graphs (cached decoding) in real Chromium through window.lcp.engine.decode: they load next to the
// forward graph, read its weights (ONNX external data), and their logits equal the native forward graph's.
import { test, expect, type Page } from '@playwright/test';
import { openNodeModel, readIndex, readManifest } from '../scripts/lib/nodeModel';
import { runWindow } from '../src/engine/graphRunner';
import { tinyPerAttentionKind } from './pageObjects';
import { uncapturable } from '../src/engine/capturedStep';

const tinyIds = readIndex().filter((id) => id.endsWith('-tiny') && readManifest(id).step);
const V = 256;
const BYTES = Array.from(new TextEncoder().encode('It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness.'));
const PROMPT = 90;
const PIECES = [PROMPT, ...Array(BYTES.length - PROMPT).fill(1)]; // then one byte at a time: Perceiver AR tiny (M 16, F 8) refills twice

async function openApp(page: Page) {
  await page.goto('/');
  await page.waitForFunction(() => (window as any).lcp?.engine, null, { timeout: 60_000 });
}

/** Native forward-graph logits after each piece: Perceiver AR with the latents its cache held then. */
async function nativeRows(id: string, latentsAfter: number[]) {
  const m = await openNodeModel(id, { threads: 1 });
  const rows: Float32Array[] = [];
  let end = 0;
  const full = m.manifest.io === 'latents' ? undefined : await runWindow(m.run, m.manifest, BYTES);
  for (const [i, n] of PIECES.entries()) {
    end += n;
    if (full) rows.push(full.logits.subarray((end - 1) * V, end * V));
    else {
      const r = await runWindow(m.run, m.manifest, BYTES.slice(0, end), latentsAfter[i]);
      rows.push(r.logits.subarray((r.rows - 1) * V));
    }
  }
  await m.session.release();
  return rows;
}

for (const [backend, gpuState] of [['wasm', undefined], ['webgpu', 'uploaded']] as const) {
  const where = gpuState === 'uploaded' ? ', the state uploaded every step' : '';
  test(`tiny step graphs on ${backend}${where}: cached logits equal the forward graph's`, async ({ page }) => {
    test.setTimeout(600_000);
    await openApp(page);
    // the software WebGPU adapter is slow: one model per attention kind there (each kind of state); every family's
    // tiny model with the state on the GPU in the test below
    const ids = backend === 'wasm' ? tinyIds : tinyPerAttentionKind();
    for (const id of ids) {
      const r = await page.evaluate(
        async ([id, backend, bytes, pieces, gpuState]) => {
          const engine = (window as any).lcp.engine;
          await engine.load(id, backend);
          const out = await engine.decode(id, new Uint8Array(bytes), pieces, { gpuState });
          await engine.unload(id);
          return { ...out, lastLogits: Array.from(out.lastLogits as Float32Array) };
        },
        [id, backend, BYTES, PIECES, gpuState] as const,
      );
      expect(r.backend, `${id} really ran on ${backend}`).toBe(backend);
      expect(r.stateOn, `${id}: where its state lived`).toBe('cpu');
      const want = await nativeRows(id, r.latentsAfter);
      let worst = 0;
      want.forEach((row, i) => row.forEach((w, v) => (worst = Math.max(worst, Math.abs(r.lastLogits[i * V + v] - w)))));
      // float32 kernels in another order (WebGPU, SIMD WASM) than native CPU; logits of order 1
      expect(worst, `${id} on ${backend}: max |logit diff|`).toBeLessThan(1e-3);
      if (readManifest(id).io === 'latents') expect(r.refills).toBeGreaterThanOrEqual(2);
      expect(r.stateBytes).toBeGreaterThan(0);
    }
  });
}

test('every family on WebGPU with the state in GPU buffers: cached logits equal the forward graph\'s, greedy bytes the WASM path\'s', async ({ page }) => {
  test.setTimeout(2_400_000); // the software adapter, a dozen tiny models
  await openApp(page);
  for (const id of tinyIds) {
    const r = await page.evaluate(
      async ([id, bytes, pieces]) => {
        const engine = (window as any).lcp.engine;
        const prompt = new Uint8Array(bytes.slice(0, 40));
        await engine.load(id, 'webgpu');
        const dec = await engine.decode(id, new Uint8Array(bytes), pieces, { gpuState: 'gpu' });
        const gpu = await engine.generate(id, prompt, { maxBytes: 12, temperature: 0 });
        await engine.unload(id);
        await engine.load(id, 'wasm');
        const wasm = await engine.generate(id, prompt, { maxBytes: 12, temperature: 0 });
        await engine.unload(id);
        return {
          dec: { ...dec, lastLogits: Array.from(dec.lastLogits as Float32Array) },
          gpu: { bytes: Array.from(gpu.bytes as Uint8Array), stateOn: gpu.stateOn, backend: gpu.backend },
          wasm: { bytes: Array.from(wasm.bytes as Uint8Array), backend: wasm.backend },
        };
      },
      [id, BYTES, PIECES] as const,
    );
    expect([r.dec.backend, r.dec.stateOn, r.gpu.backend, r.gpu.stateOn, r.wasm.backend]).toEqual(['webgpu', 'gpu', 'webgpu', 'gpu', 'wasm']);
    const want = await nativeRows(id, r.dec.latentsAfter);
    let worst = 0;
    want.forEach((row, i) => row.forEach((w, v) => (worst = Math.max(worst, Math.abs(r.dec.lastLogits[i * V + v] - w)))));
    expect(worst, `${id}, state on the GPU: max |logit diff| against the native forward graph`).toBeLessThan(1e-3);
    expect(r.gpu.bytes, `${id}: greedy bytes on WebGPU (state on the GPU) and on WASM`).toEqual(r.wasm.bytes);
  }
});

test('captured steps on WebGPU: cached logits equal the forward graph\'s, greedy bytes those of full forwards; a model that cannot be captured says why', async ({ page }) => {
  test.setTimeout(1_200_000); // the software adapter
  await openApp(page);
  const ids = tinyIds.filter((id) => !uncapturable(readManifest(id)));
  // the decoder families whose step has fixed shapes (sliding window, Sparse Transformer, Perceiver AR, XL and the
  // Compressive Transformer read shapes that follow the position)
  expect(ids.length, `captured: ${ids.join(', ')}`).toBeGreaterThanOrEqual(7);
  const prompt = BYTES.slice(0, 40);
  for (const id of ids) {
    const r = await page.evaluate(
      async ([id, bytes, pieces, prompt]) => {
        const engine = (window as any).lcp.engine;
        await engine.load(id, 'webgpu');
        const dec = await engine.decode(id, new Uint8Array(bytes), pieces, { gpuState: 'captured' });
        const cap = await engine.generate(id, new Uint8Array(prompt), { maxBytes: 12, temperature: 0, gpuState: 'captured' });
        // the plain step session still binds a new state after a captured session ran (ort's registerBuffer check)
        const gpu = await engine.generate(id, new Uint8Array(prompt), { maxBytes: 12, temperature: 0, gpuState: 'gpu' });
        // without the cache each byte re-runs the forward over a window: one that holds the prompt and every byte
        const full = await engine.generate(id, new Uint8Array(prompt), { maxBytes: 12, temperature: 0, cache: false, contextLength: prompt.length + 12 });
        await engine.unload(id);
        const b = (x: { bytes: Uint8Array }) => Array.from(x.bytes);
        return { dec: { ...dec, lastLogits: Array.from(dec.lastLogits as Float32Array) }, cap: { bytes: b(cap), captured: cap.captured, backend: cap.backend }, gpu: { bytes: b(gpu), captured: gpu.captured }, full: b(full) };
      },
      [id, BYTES, PIECES, prompt] as const,
    );
    expect([r.dec.backend, r.dec.stateOn, r.dec.captured, r.cap.backend, r.cap.captured, r.gpu.captured], id).toEqual(['webgpu', 'gpu', true, 'webgpu', true, false]);
    const want = await nativeRows(id, r.dec.latentsAfter);
    let worst = 0;
    want.forEach((row, i) => row.forEach((w, v) => (worst = Math.max(worst, Math.abs(r.dec.lastLogits[i * V + v] - w)))));
    expect(worst, `${id}, captured steps: max |logit diff| against the native forward graph`).toBeLessThan(1e-3);
    expect(r.cap.bytes, `${id}: greedy bytes, captured steps against full forwards`).toEqual(r.full);
    expect(r.gpu.bytes, `${id}: greedy bytes, the plain GPU state after a captured run`).toEqual(r.full);
  }
  // a model whose step cannot be captured: the reason in words, and the model keeps working
  const out = await page.evaluate(async () => {
    const engine = (window as any).lcp.engine;
    await engine.load('sliding-window-tiny', 'webgpu');
    const prompt = new TextEncoder().encode('It was the best of times');
    const error = await engine.generate('sliding-window-tiny', prompt, { maxBytes: 4, gpuState: 'captured' }).then(() => '', (e: Error) => e.message);
    const after = await engine.generate('sliding-window-tiny', prompt, { maxBytes: 4, temperature: 0 });
    await engine.unload('sliding-window-tiny');
    return { error, after: after.bytes.length };
  });
  expect(out.error).toContain('no captured steps for this model: its step reads the cache from the window');
  expect(out.after).toBe(4);
});

test('a corrupted step graph fails decoding clearly; the forward graph keeps working', async ({ page }) => {
  const id = 'transformer-tiny';
  await page.route(`**/models/${id}/step.onnx`, (route) =>
    route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from('not a step graph'.repeat(40)) }),
  );
  await openApp(page);
  await page.evaluate(() => (window as any).lcp.engine.cache.clear());
  const r = await page.evaluate(async ([id, bytes]) => {
    const engine = (window as any).lcp.engine;
    await engine.load(id, 'wasm');
    let failure;
    try {
      await engine.decode(id, new Uint8Array(bytes), [bytes.length]);
    } catch (e: any) {
      failure = { kind: e.kind, message: e.message };
    }
    const pred = await engine.predict(id, new Uint8Array(bytes), bytes.length);
    return { failure, bpb: pred.bitsPerByte };
  }, [id, BYTES] as const);
  expect(r.failure?.kind).toBe('invalid-model');
  expect(r.failure?.message).toMatch(/step\.onnx.*(corrupted|does not match)/);
  expect(Number.isFinite(r.bpb)).toBe(true);
});
