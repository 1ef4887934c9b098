import { beforeEach, describe, expect, it } from 'vitest';
import { encodeState } from '../../src/state/link';
import { isStale } from '../../src/state/runs';
import { MAX_FILE_BYTES } from '../../src/state/input';
import { resetStore, useStore } from '../../src/state/store';
import { EngineError, type MeasurePointOk } from '../../src/engine/types';
import { fakeEngine, namedBlob, openPage, type FakeOptions } from './stateFixtures';

const get = useStore.getState;
const TEXT = 'The quick brown fox jumps over the lazy dog. '.repeat(100); // 4,500 bytes

const page = (opts?: FakeOptions) => openPage(TEXT, opts);

beforeEach(() => resetStore());

describe('store: opening the page', () => {
  it('lists the models, selects the two compare models by default, and is ready', async () => {
    await page();
    expect(get().manifests.length).toBeGreaterThan(2);
    expect(get().selected.sort()).toEqual(['perceiver-ar-compare', 'transformer-compare']);
    expect(get().ready).toBe(true);
  });

  it('a link restores its settings, drops unknown models with a message, and re-runs when asked', async () => {
    const fake = fakeEngine();
    await get().init(fake.engine, encodeState({
      v: 1, models: ['transformer-tiny', 'no-such-model'], backend: 'wasm', context: 512, latents: 8,
      input: { text: 'abc <script>x</script> '.repeat(40) }, sweep: { backends: ['wasm'], contexts: [256, 512] }, run: true,
    }));
    const s = get();
    expect(s.selected).toEqual(['transformer-tiny']);
    expect(s.context).toBe(512);
    expect(s.text).toContain('<script>x</script>');
    expect(s.sweepContexts).toEqual([256, 512]);
    expect(s.banner?.text).toMatch(/no-such-model/);
    expect(s.banner?.text).not.toMatch(/own file/);
    expect(fake.calls.predict).toEqual([{ id: 'transformer-tiny', context: 512, bytes: s.bytes.length, latents: 8 }]);
    expect(s.status['transformer-tiny'].prediction?.contextLength).toBe(512);
  });

  it('a link without input says so, and claims a text too long to share only when it had one', async () => {
    const fake = fakeEngine();
    await get().init(fake.engine, encodeState({ v: 1, models: ['transformer-tiny'], backend: 'wasm', context: 512 }));
    expect(get().banner).toMatchObject({ kind: 'info', text: 'This link carries no input; the held-out sample is loaded instead.' });
    expect(fake.calls.predict).toEqual([]);
    resetStore();
    await get().init(fake.engine, encodeState({ v: 1, models: ['transformer-tiny'], backend: 'wasm', context: 512, input: { omitted: 400_000 } }));
    expect(get().banner?.text).toBe("This link's text (400,000 bytes) was too long to share; the held-out sample is loaded instead.");
  });

  it("a link's results are shown as from a link, never as this page's, and keep being shared", async () => {
    await get().init(fakeEngine().engine, null);
    get().setSweepMax(512);
    await get().runSweep();
    const results = get().points;
    resetStore();
    await get().init(fakeEngine().engine, null);
    await get().applyShared({ v: 1, models: ['transformer-tiny'], backend: 'wasm', context: 512, results, input: { text: 'x' } });
    expect(get().points).toEqual([]);
    expect(get().foreign).toEqual([{ source: 'from a link', points: results }]);
    expect(get().shareResults).toBe(true);
    expect(get().sharedState(false).results).toEqual(results);
  });

  it("a link with a fabricated point is refused with a message; its settings still apply", async () => {
    await get().init(fakeEngine().engine, null);
    get().setSweepMax(256);
    await get().runSweep();
    const real = get().points[0] as MeasurePointOk;
    const fake = { ...real, samplesMs: [0.001, 0.001, 0.001], medianMs: 0.001, p95Ms: 0.001, bytesPerSec: 1e12 };
    resetStore();
    await get().init(fakeEngine().engine, null);
    await get().applyShared({ v: 1, models: ['transformer-tiny'], backend: 'wasm', context: 512, results: [real, fake], input: { text: 'x' } });
    expect(get().foreign).toEqual([]);
    expect(get().points).toEqual([]);
    expect(get().banner).toMatchObject({ kind: 'error', text: expect.stringMatching(/results were refused.*1,000,000,000,000 bytes\/s is not N \/ median/) });
    expect(get().context).toBe(512);
    // a good link, then a refused one in the same tab: the first link's results do not stay behind
    await get().applyShared({ v: 1, models: ['transformer-tiny'], backend: 'wasm', context: 512, results: [real], input: { text: 'x' } });
    expect(get().foreign).toHaveLength(1);
    await get().applyShared({ v: 1, models: ['transformer-tiny'], backend: 'wasm', context: 512, results: [fake], input: { text: 'x' } });
    expect(get().foreign).toEqual([]);
  });
});

describe('store: running models', () => {
  it('empty input: a message, and no model runs', async () => {
    const fake = await page();
    get().setText('');
    await get().runPredictions();
    expect(get().inputError).toMatch(/empty/);
    expect(fake.calls.predict).toEqual([]);
  });

  it('another WebGPU build or thread count: a new engine with those settings, the selected models loaded on it', async () => {
    const first = fakeEngine();
    const made: { settings: unknown; fake: ReturnType<typeof fakeEngine> }[] = [];
    await get().init(first.engine, null, (settings) => {
      const fake = fakeEngine();
      made.push({ settings, fake });
      return fake.engine;
    });
    await get().setEngineSettings({ webgpuImpl: 'native', wasmThreads: 2 });
    expect(made.map((m) => m.settings)).toEqual([{ webgpuImpl: 'native', wasmThreads: 2 }]);
    expect(get().engine).toBe(made[0].fake.engine);
    expect(get().engineSettings).toEqual({ webgpuImpl: 'native', wasmThreads: 2 });
    expect(made[0].fake.calls.load.sort()).toEqual([...get().selected].sort());
  });

  it('the selected models are loaded before the first Run, and a model selected later too', async () => {
    const fake = await page();
    expect(fake.calls.load.sort()).toEqual([...get().selected].sort());
    get().toggleModel('transformer-tiny');
    expect(fake.calls.load).toContain('transformer-tiny');
    await new Promise((r) => setTimeout(r, 0));
    expect(get().status['transformer-tiny'].loaded?.modelId).toBe('transformer-tiny');
    expect(fake.calls.predict).toEqual([]);
  });

  it('one model failing to load does not touch the others', async () => {
    const fake = await page({ failLoad: { 'transformer-tiny': new EngineError('invalid-model', 'transformer-tiny: the file is corrupted') } });
    get().toggleModel('transformer-tiny');
    await get().runPredictions();
    const st = get().status;
    expect(st['transformer-tiny']).toMatchObject({ busy: false, errorKind: 'invalid-model', error: expect.stringMatching(/corrupted/) });
    expect(st['transformer-compare'].prediction?.contextLength).toBe(1024);
    expect(st['perceiver-ar-compare'].loaded?.backend).toBe('wasm');
    expect(fake.calls.predict.map((c) => c.id).sort()).toEqual(['perceiver-ar-compare', 'transformer-compare']);
  });

  it('a prediction keeps the bytes it was computed on, and goes stale when the input or N changes', async () => {
    await page();
    await get().runPredictions();
    const bytes = get().bytes;
    expect(get().status['transformer-compare'].predictedOn).toBe(bytes);
    expect(isStale(get(), 'transformer-compare')).toBe(false);
    get().setText(TEXT + 'more');
    expect(isStale(get(), 'transformer-compare')).toBe(true);
    expect(get().status['transformer-compare'].predictedOn).toBe(bytes); // the panel still draws what was scored
    await get().runPredictions();
    get().setContext(2048);
    expect(isStale(get(), 'transformer-compare')).toBe(true);
  });

  it('runs queued faster than they finish: only the latest N is run and shown', async () => {
    const fake = await page({ predictDelayMs: (_id, n) => (n === 512 || n === 2048 ? 30 : 1) });
    get().setContext(512);
    const first = get().runPredictions();
    await new Promise((r) => setTimeout(r, 5)); // the N=512 run is in flight
    get().setContext(600);
    const second = get().runPredictions();
    get().setContext(2048);
    const third = get().runPredictions(); // supersedes the second before its turn
    await first;
    expect(get().status['transformer-compare'].prediction).toBeUndefined(); // the N=512 result came late: dropped
    await Promise.all([second, third]);
    const ns = fake.calls.predict.filter((c) => c.id === 'transformer-compare').map((c) => c.context);
    expect(ns).toEqual([512, 2048]);
    expect(get().status['transformer-compare'].prediction?.requestedContext).toBe(2048);
    expect(get().status['transformer-compare'].busy).toBe(false);
  });
});

describe('store: limits that hold', () => {
  it("a forward that cannot fit WASM is refused before it runs, in one sentence; the other model runs", async () => {
    const fake = await page();
    get().setText('x'.repeat(20000));
    get().setContext(16384);
    await get().runPredictions();
    const st = get().status['transformer-compare'];
    expect(st).toMatchObject({ busy: false, errorKind: 'over-limit', refusedAt: { n: 16384, backend: 'wasm' } });
    expect(st.error).toMatch(/^At 16,384 bytes one attention tensor alone needs about 4\.0 GiB \(estimate\), and a WASM page can address less than 4 GiB in all; try /);
    expect(fake.calls.predict.map((c) => c.id)).toEqual(['perceiver-ar-compare']);
    expect(get().status['perceiver-ar-compare'].prediction?.contextLength).toBe(16384);
  });
});

describe('store: the slider feeds the charts', () => {
  it("each run's time joins the charts as a single run at the N it used; a re-run replaces it; Clear results removes them", async () => {
    await page();
    await get().runPredictions();
    get().setContext(2048);
    await get().runPredictions();
    await get().runPredictions();
    const runs = get().singles.map((r) => `${r.modelId}@${r.contextLength}`).sort();
    expect(runs).toEqual(['perceiver-ar-compare@1024', 'perceiver-ar-compare@2048', 'transformer-compare@1024', 'transformer-compare@2048']);
    expect(get().singles[0]).toMatchObject({ latencyMs: 1, estimate: { totalBytes: expect.any(Number) } });
    // the first run at an N is marked (its time holds the allocation for a new shape); a re-run at that N is not
    expect(get().singles.filter((r) => r.contextLength === 2048).map((r) => r.first)).toEqual([false, false]);
    expect(get().singles.filter((r) => r.contextLength === 1024).map((r) => r.first)).toEqual([true, true]);
    get().clearPoints();
    expect(get().singles).toEqual([]);
  });
});

describe('store: files', () => {
  it('a binary file is refused and the text stays', async () => {
    await page();
    await get().loadFile(namedBlob('image.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13])));
    expect(get().inputError).toMatch(/binary/);
    expect(get().text).toBe(TEXT);
  });
  it('an empty or oversized file is refused with its name', async () => {
    await page();
    await get().loadFile(namedBlob('empty.txt', ''));
    expect(get().inputError).toMatch(/empty\.txt is empty/);
    const huge = Object.assign(namedBlob('huge.txt', 'x'), {});
    Object.defineProperty(huge, 'size', { value: MAX_FILE_BYTES + 1 });
    await get().loadFile(huge);
    expect(get().inputError).toMatch(/huge\.txt is 8\.0 MiB/);
    expect(get().text).toBe(TEXT);
  });
  it('a text file replaces the input, UTF-8 decoded', async () => {
    await page();
    await get().loadFile(namedBlob('poem.txt', new TextEncoder().encode('naïve café')));
    expect(get().text).toBe('naïve café');
    expect(get().bytes.length).toBe(12);
    expect(get().inputError).toBeUndefined();
  });
});

describe('store: sweeps and sharing', () => {
  it('points arrive one by one, a re-measured point replaces the old one, and the bar ends full', async () => {
    await page();
    get().setSweepMax(512);
    const seen: number[] = [];
    const unsub = useStore.subscribe((s) => seen.push(s.points.length));
    await get().runSweep();
    unsub();
    expect(get().points).toHaveLength(4);
    expect(new Set(seen)).toEqual(new Set([0, 1, 2, 3, 4]));
    await get().runSweep();
    expect(get().points).toHaveLength(4);
    expect(get().sweepProgress).toMatchObject({ done: 4, total: 4 });
    get().clearPoints();
    expect(get().points).toEqual([]);
  });

  it('Stop ends the sweep early, keeps what was measured, and says so', async () => {
    await page();
    get().setSweepMax(8192);
    const run = get().runSweep();
    await new Promise((r) => setTimeout(r, 8));
    get().stopSweep();
    await run;
    expect(get().sweeping).toBe(false);
    expect(get().points.length).toBeGreaterThan(0);
    expect(get().points.length).toBeLessThan(12);
    expect(get().banner).toMatchObject({ kind: 'info', text: expect.stringMatching(/stopped/) });
  });

  it('the shared state carries a preset by name, a typed text in full, results only when asked', async () => {
    await page();
    expect(get().sharedState(false).input).toEqual({ text: TEXT });
    useStore.setState({ preset: { kind: 'copy', distance: 64, seed: 1 } });
    expect(get().sharedState(true)).toMatchObject({ input: { preset: { kind: 'copy', distance: 64, seed: 1 } }, run: true });
    await get().runSweep();
    expect(get().sharedState(false).results).toBeUndefined();
    get().setShareResults(true);
    expect(get().sharedState(false).results).toHaveLength(get().points.length);
    useStore.setState({ preset: undefined });
    expect(get().sharedState(false, false).input).toEqual({ omitted: TEXT.length });
  });
});
