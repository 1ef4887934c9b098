// The engine in real Chromium, through the automation API (window.lcp): WASM and software WebGPU give the
// same predictions as native onnxruntime-node on the same graph; bad model files fail clearly and alone.
import { test, expect, type Page } from '@playwright/test';
import { openNodeModel, readIndex, runLogits } from '../scripts/lib/nodeModel';
import { tinyPerAttentionKind } from './pageObjects';

const tinyIds = readIndex().filter((id) => id.endsWith('-tiny'));
const TEXT = 'It was the best of times, it was the worst of times, it was the age of wisdom. '.repeat(4);
const BYTES = Array.from(new TextEncoder().encode(TEXT));

async function openApp(page: Page) {
  await page.goto('/');
  await page.waitForFunction(() => (window as any).lcp?.engine, null, { timeout: 60_000 });
}

/** Loads a model on WASM in the page; returns the engine's error, or null if it loaded. */
function loadFailure(page: Page, id: string): Promise<{ kind: string; message: string } | null> {
  return page.evaluate(async (id) => {
    try {
      await (window as any).lcp.engine.load(id, 'wasm');
      return null;
    } catch (e: any) {
      return { kind: e.kind, message: e.message };
    }
  }, id);
}

// Surprisal (bits) of each byte given the ones before it, from native logits: the reference.
async function nativeSurprisal(id: string, bytes: number[]) {
  const m = await openNodeModel(id, { threads: 1 });
  const { logits, k, start } = await runLogits(m, bytes);
  const V = 256;
  const out: number[] = [];
  for (let r = 0; r < k - 1; r++) {
    const row = logits.subarray(r * V, (r + 1) * V);
    const max = Math.max(...row);
    const lse = Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0)) + max;
    out.push((lse - row[bytes[start + r + 1]]) / Math.LN2);
  }
  await m.session.release();
  return out;
}

for (const backend of ['wasm', 'webgpu'] as const) {
  test(`tiny models on ${backend} agree with onnxruntime-node`, async ({ page }) => {
    test.setTimeout(600_000);
    await openApp(page);
    if (backend === 'webgpu') {
      const gpu = await page.evaluate(() => (window as any).lcp.engine.detectWebGPU());
      expect(gpu.available, `WebGPU adapter: ${JSON.stringify(gpu)}`).toBe(true);
    }
    // WebGPU on the software adapter is slow: one family per attention kind there.
    const ids = backend === 'wasm' ? tinyIds : tinyPerAttentionKind();
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      const result = await page.evaluate(
        async ([id, backend, bytes]) => {
          const engine = (window as any).lcp.engine;
          const loaded = await engine.load(id, backend);
          const pred = await engine.predict(id, new Uint8Array(bytes), bytes.length);
          await engine.unload(id);
          return { loaded: { backend: loaded.backend, threads: loaded.wasmThreads }, pred };
        },
        [id, backend, BYTES] as const,
      );
      expect(result.loaded.backend, `${id} really ran on ${backend}`).toBe(backend);
      const got: number[] = result.pred.surprisalBits;
      expect(got.every(Number.isFinite), `${id}: finite surprisal`).toBe(true);
      const want = await nativeSurprisal(id, BYTES);
      // Logits covering the last positions: compare the overlapping tail.
      const n = Math.min(got.length, want.length);
      expect(n).toBeGreaterThan(8);
      const maxDiff = Math.max(...got.slice(-n).map((g, i) => Math.abs(g - want.slice(-n)[i])));
      // 1e-2 bits: float32 kernels in a different order (WebGPU, SIMD WASM) vs native CPU.
      expect(maxDiff, `${id} on ${backend}: max |surprisal diff| in bits`).toBeLessThan(1e-2);
    }
  });
}

test('a corrupted model file and a manifest that disagrees with its graph fail clearly; another model keeps working', async ({ page }) => {
  const [bad, other] = tinyIds;
  await page.route(`**/models/${bad}/model.onnx`, (route) =>
    route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from('this is not an onnx graph'.repeat(40)) }),
  );
  await openApp(page);
  await page.evaluate(() => (window as any).lcp.engine.cache.clear());
  const corrupted = await loadFailure(page, bad);
  expect(corrupted?.kind).toBe('invalid-model');
  expect(corrupted?.message).toMatch(/sha-?256|corrupt|checksum|does not match/i);

  // A manifest whose input names differ from the graph's real ones.
  await page.unroute(`**/models/${bad}/model.onnx`);
  await page.route(`**/models/${bad}/manifest.json`, async (route) => {
    const res = await route.fetch();
    const m = await res.json();
    m.graph.inputs[0].name = 'input_ids';
    await route.fulfill({ response: res, json: m });
  });
  await openApp(page);
  await page.evaluate(() => (window as any).lcp.engine.cache.clear());
  const mismatched = await loadFailure(page, bad);
  expect(mismatched?.kind).toBe('invalid-model');
  expect(mismatched?.message).toContain('input_ids');

  const ok = await page.evaluate(async ([id, bytes]) => {
    const engine = (window as any).lcp.engine;
    await engine.load(id, 'wasm');
    return engine.predict(id, new Uint8Array(bytes), bytes.length);
  }, [other, BYTES] as const);
  expect(ok.surprisalBits.length).toBeGreaterThan(0);
  expect(Number.isFinite(ok.bitsPerByte)).toBe(true);
});

test('out of memory is a result: the Transformer at 16,384 bytes on WASM fails cleanly and other models keep working', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  const once = { warmupRuns: 0, minRuns: 1, minTimeMs: 0, maxRuns: 1 };
  const wall = await page.evaluate((o) => (window as any).lcp.engine.measure('transformer-compare', 'wasm', 16384, o), once);
  // 4 heads x 16384^2 x 4 bytes = 4 GiB for one score tensor: over wasm32's 4 GiB heap
  expect(wall.ok, JSON.stringify(wall)).toBe(false);
  expect(wall.failure.kind, wall.failure.message).toBe('out-of-memory');
  expect(wall.estimate.totalBytes).toBeGreaterThan(2 ** 32); // the estimate agrees it cannot fit
  const after = await page.evaluate((o) => (window as any).lcp.engine.measure('perceiver-ar-compare', 'wasm', 8192, o), once);
  expect(after.ok, JSON.stringify(after)).toBe(true);
  expect(after.memory.wasmHeapBytes).toBeGreaterThan(0);
});
