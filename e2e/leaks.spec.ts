// Nothing leaks (issue 21): repeated generations and decodes at a sweep's N values in one model worker leave its WASM
// heap and its GPU buffers where the first left them, and a sweep's fresh workers all go away. Fails on growth beyond
// the stated margins. transformers.js #1734 lost 1.7 GB over 20 generations; here each generation's state is released
// when it ends (GPU buffers destroyed), and ORT's own buffer pool serves the same shapes again.
import { test, expect } from '@playwright/test';

// ORT pools GPU buffers by size bucket: the same shapes again reuse them, so after the first pass nothing new should
// stay allocated; the margin allows a few small buckets' worth (one tiny model's step tensors are a few KiB each)
const GPU_MARGIN = 256 * 1024;
const PROMPT = Array.from(new TextEncoder().encode('It was the best of times, it was the worst of times, it was the age of wisdom'));

async function openApp(page: import('@playwright/test').Page) {
  await page.goto('/');
  await page.waitForFunction(() => (window as any).lcp?.engine, null, { timeout: 120_000 });
}

// captured: each generation makes and releases a captured step session (src/engine/capturedStep.ts); fewer of them,
// a session's creation takes a while on the software adapter
for (const [backend, gpuState, n] of [['wasm', undefined, 100], ['webgpu', undefined, 100], ['webgpu', 'captured', 30]] as const) {
  test(`${n} generations in a row in one worker on ${backend}${gpuState ? `, steps ${gpuState}` : ''}: its heap and GPU buffers stay at the first's level`, async ({ page }) => {
    test.setTimeout(1_800_000);
    await openApp(page);
    const mem = await page.evaluate(
      async ([backend, prompt, gpuState, n]) => {
        const engine = (window as any).lcp.engine;
        await engine.load('transformer-tiny', backend);
        const out: { heap?: number; gpu?: number; stateOn?: string; captured?: boolean }[] = [];
        for (let i = 0; i < n; i++) {
          const r = await engine.generate('transformer-tiny', new Uint8Array(prompt), { maxBytes: 4, temperature: 0, gpuState });
          out.push({ heap: r.memory?.wasmHeapBytes, gpu: r.memory?.gpuAllocatedLiveBytes, stateOn: r.stateOn, captured: r.captured });
        }
        return out;
      },
      [backend, PROMPT, gpuState, n] as const,
    );
    expect(mem).toHaveLength(n);
    expect(mem.every((m) => m.stateOn === (backend === 'webgpu' ? 'gpu' : 'cpu') && !!m.captured === !!gpuState)).toBe(true);
    const heaps = mem.map((m) => m.heap!);
    expect(Math.max(...heaps.slice(1)), `WASM heap after generations 2..100 vs the first: ${heaps.slice(0, 3)} ... ${heaps.slice(-3)}`).toBe(heaps[0]);
    if (backend === 'webgpu') {
      const gpu = mem.map((m) => m.gpu!);
      expect(gpu[0]).toBeGreaterThan(0);
      expect(Math.max(...gpu.slice(1)) - gpu[0], `live GPU bytes: ${gpu.slice(0, 3)} ... ${gpu.slice(-3)}`).toBeLessThanOrEqual(GPU_MARGIN);
    }
  });

  if (gpuState) continue; // the sweep's decodes once per backend
  test(`decoding at a sweep's 20 N values in one worker on ${backend}, twice: the second pass allocates nothing more`, async ({ page }) => {
    test.setTimeout(1_800_000);
    await openApp(page);
    const passes = await page.evaluate(
      async ([backend]) => {
        const engine = (window as any).lcp.engine;
        await engine.load('transformer-tiny', backend);
        const ns = Array.from({ length: 20 }, (_, i) => 64 + 48 * i); // 64 .. 976
        const text = new Uint8Array(ns.at(-1)!).map((_, i) => 97 + ((i * 7) % 26));
        const pass = async () => {
          let last: { heap?: number; gpu?: number } = {};
          for (const n of ns) {
            const r = await engine.decode('transformer-tiny', text.subarray(0, n), [n - 4, 1, 1, 1, 1]);
            last = { heap: r.memory.wasmHeapBytes, gpu: r.memory.gpuAllocatedLiveBytes };
          }
          return last;
        };
        return [await pass(), await pass()];
      },
      [backend] as const,
    );
    expect(passes[1].heap, 'WASM heap after the second pass vs the first').toBe(passes[0].heap);
    if (backend === 'webgpu') expect(passes[1].gpu! - passes[0].gpu!, `live GPU bytes: ${passes[0].gpu} then ${passes[1].gpu}`).toBeLessThanOrEqual(GPU_MARGIN);
  });
}

test('a 20-point sweep ends every worker it started', async ({ page }) => {
  test.setTimeout(1_200_000);
  await openApp(page);
  // the page's own preloads first: its default models' workers stay, loaded (selected is empty until the page has
  // read its models, so that is waited for too)
  await page.waitForFunction(() => { const s = (window as any).lcp.store.getState(); return s.ready && s.selected.length > 0 && s.selected.every((id: string) => s.status[id]?.loaded); }, null, { timeout: 300_000 });
  // every worker that starts from here on, with when it started; the sweep starts once none has started for 5 s (ORT's
  // thread workers of the preloaded models included), so the sweep's workers are those started while it runs
  let phase = 'page' as 'page' | 'sweep';
  let lastStart = Date.now();
  const started: { w: import('@playwright/test').Worker; phase: typeof phase; open: boolean }[] = [];
  page.on('worker', (w) => {
    const rec = { w, phase, open: true };
    started.push(rec);
    lastStart = Date.now();
    w.on('close', () => (rec.open = false));
  });
  await expect.poll(() => Date.now() - lastStart, { timeout: 120_000, intervals: [1_000] }).toBeGreaterThan(5_000);
  phase = 'sweep';
  const points = await page.evaluate(async () => {
    const engine = (window as any).lcp.engine;
    const ns = Array.from({ length: 20 }, (_, i) => 64 + 48 * i);
    const ps = await engine.sweep({ modelIds: ['transformer-tiny'], backends: ['wasm'], contextLengths: ns, measure: { warmupRuns: 0, warmupMs: 0, minRuns: 1, minTimeMs: 0, maxRuns: 1 } }, () => {});
    return ps.map((p: { ok: boolean }) => p.ok);
  });
  expect(points).toEqual(Array(20).fill(true));
  const sweepWorkers = started.filter((r) => r.phase === 'sweep');
  expect(sweepWorkers.length, 'a fresh worker per point').toBeGreaterThanOrEqual(20);
  const open = () => sweepWorkers.filter((r) => r.open).map((r) => r.w.url().split('/').pop());
  await expect.poll(open, { timeout: 30_000, message: 'workers the sweep started that are still open' }).toEqual([]);
});
