// Continue in the store: the prompt a model reads, the settings sent (and shared in links), bytes streamed in, a
// stop that keeps what came, a failure that keeps the rest of the page, and cached runs on the decode charts.
import { beforeEach, describe, expect, it } from 'vitest';
import { decodedContext } from '../../src/state/selectors';
import { encodeState } from '../../src/state/link';
import { resetStore, useStore } from '../../src/state/store';
import { EngineError } from '../../src/engine/types';
import { fakeEngine, openPage, type FakeOptions } from './stateFixtures';

const get = useStore.getState;
const TEXT = 'abcdefghij'.repeat(300); // 3,000 bytes

const page = (opts?: FakeOptions) => openPage(TEXT, opts);

beforeEach(() => resetStore());

describe('store: Continue', () => {
  it('the prompt is the last N bytes; the settings go to the engine; bytes stream in; a cached run joins the decode charts', async () => {
    const fake = await page();
    get().setContext(1024);
    get().setGeneration({ maxBytes: 5, temperature: 0, topK: 40, seed: 7, refill: 200 });
    const seen: number[] = [];
    const unsub = useStore.subscribe((s) => seen.push(s.generations['transformer-compare']?.bytes.length ?? 0));
    await get().startGeneration('transformer-compare');
    unsub();
    expect(fake.calls.generate[0]).toEqual({ id: 'transformer-compare', prompt: 1024, opts: expect.objectContaining({ maxBytes: 5, temperature: 0, topK: 40, seed: 7, refill: 200, cache: true, contextLength: 1024 }) });
    expect(new Set(seen)).toEqual(new Set([0, 1, 2, 3, 4, 5])); // one byte at a time
    const g = get().generations['transformer-compare'];
    expect(g).toMatchObject({ running: false, cached: true, promptBytes: 1024 });
    expect(Array.from(g.bytes)).toEqual([107, 108, 109, 110, 111]); // the fake continues after 'j' (106)
    expect(get().decodeRuns.map((r) => [r.modelId, decodedContext(r)])).toEqual([['transformer-compare', 1028]]);
    get().clearPoints();
    expect(get().decodeRuns).toEqual([]);
  });

  it('a model that reads the first N bytes continues those, not the whole input', async () => {
    const fake = await page();
    get().setContext(2048);
    get().setGeneration({ maxBytes: 2 });
    await get().startGeneration('perceiver-ar-copy');
    expect(fake.calls.generate[0]).toMatchObject({ id: 'perceiver-ar-copy', prompt: 2048 });
  });

  it('without the cache: no decode chart point', async () => {
    await page();
    get().setGeneration({ cache: false, maxBytes: 3 });
    await get().startGeneration('perceiver-ar-compare');
    expect(get().generations['perceiver-ar-compare'].result?.cached).toBe(false);
    expect(get().decodeRuns).toEqual([]);
  });

  it('a stop ends it and keeps the bytes that came', async () => {
    await page();
    get().setGeneration({ maxBytes: 1000 });
    const run = get().startGeneration('transformer-compare');
    await new Promise((r) => setTimeout(r, 30));
    get().stopGeneration('transformer-compare');
    await run;
    const g = get().generations['transformer-compare'];
    expect(g.running).toBe(false);
    expect(g.bytes.length).toBeGreaterThan(0);
    expect(g.bytes.length).toBeLessThan(1000);
    expect(g.result?.stopped).toMatch(/stopped by the user/);
  });

  it("a failure is the model's message; the bytes before it and the other results stay", async () => {
    await page({ failGenerate: { 'transformer-compare': { after: 2, error: new EngineError('out-of-memory', 'transformer-compare generating on wasm after 2 bytes: Out of memory') } } });
    await get().runPredictions();
    await get().startGeneration('perceiver-ar-compare');
    await get().startGeneration('transformer-compare');
    const g = get().generations['transformer-compare'];
    expect(g).toMatchObject({ running: false, errorKind: 'out-of-memory', error: expect.stringMatching(/Out of memory/) });
    expect(g.bytes.length).toBe(2);
    expect(get().generations['perceiver-ar-compare'].result?.bytes.length).toBe(64);
    expect(get().status['transformer-compare'].prediction).toBeDefined();
  });

  it('its settings travel in a link; defaults leave the link as it was', async () => {
    await page();
    expect(get().sharedState(false).generation).toBeUndefined();
    get().setGeneration({ maxBytes: 100, temperature: 0, topK: 1, seed: 42, refill: 240, cache: false });
    const link = encodeState(get().sharedState(false));
    resetStore();
    await get().init(fakeEngine().engine, link);
    expect(get().generation).toEqual({ maxBytes: 100, temperature: 0, topK: 1, seed: 42, refill: 240, cache: false });
  });
});
