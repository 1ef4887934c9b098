// The recall panel in the store, on a scripted engine (it reads probe i right when i is even): the probes are
// src/tasks' for the offline evaluation's seeds, the same for every model; each model reads a point by one forward or
// by cached decoding (or is recorded as unable to); accuracies with Wilson intervals; bad settings, a model that
// cannot read a length, a failure mid-run and a stop each keep what was measured; links carry the settings, and the
// results (re-scored on arrival, refused when implausible).
import { beforeEach, describe, expect, it } from 'vitest';
import { resetStore, useStore } from '../../src/state/store';
import { encodeState, type SharedState } from '../../src/state/link';
import { RECALL_DEFAULTS, summarize, type RecallCell } from '../../src/state/recallData';
import { bubbles } from '../../src/state/tradeoff';
import { makeProbe } from '../../src/tasks';
import { probeSeed, wilson } from '../../src/tasks/evaluation';
import { EngineError } from '../../src/engine/types';
import { fakeEngine, openPage, type FakeOptions } from './stateFixtures';

const get = useStore.getState;
const sharedState = (run: boolean) => get().sharedState(run);
const setContext = (n: number) => get().setContext(n);
/** A fresh page opened with a link. */
const open = (link: SharedState) => get().init(fakeEngine().engine, `#${encodeState(link)}`);
const [A, B, P] = ['transformer-tiny', 'primer-tiny', 'perceiver-ar-tiny'];
beforeEach(() => resetStore());

async function page(opts?: FakeOptions, distances = [256, 2048], probes = 4) {
  const fake = await openPage('some text', opts);
  useStore.setState({ selected: [A, B] });
  get().setRecall((r) => ({ ...r, probes, mqar: { ...r.mqar, distances } }));
  return fake;
}
const cell = (id: string, x: number) => get().recallCells.find((c) => c.modelId === id && c.x === x)!;

describe('store: recall runs', () => {
  it("every selected model reads the same probes (src/tasks, the offline evaluation's seeds): one forward within its limit, cached decoding past it", async () => {
    const fake = await page();
    useStore.setState({ selected: [A, B, P] });
    await get().runRecall();
    expect(get().recallMessage).toBeUndefined();
    expect(fake.calls.recall).toEqual([
      { id: A, length: 256, probes: 4 },
      { id: B, length: 256, probes: 4 },
      { id: P, length: 256, probes: 4 },
      { id: A, length: 2048, probes: 4 },
      { id: B, length: 2048, probes: 4 },
    ]);
    const c = cell(A, 256);
    expect(c.mode).toBe('forward');
    expect(cell(A, 2048).mode).toBe('decode'); // past the tiny Transformer's 1,024-byte forward
    expect(cell(P, 256)).toMatchObject({ mode: 'forward', numLatents: 64 });
    // the tiny Perceiver AR decodes no further than its forward reads: recorded as unable, never run
    expect(cell(P, 2048)).toMatchObject({ probes: [], failure: { kind: 'over-limit' } });
    expect(cell(P, 2048).failure!.message).toMatch(/^perceiver-ar-tiny reads at most 1,024 bytes in one forward and decodes at most 1,024 positions/);
    const want = makeProbe('mqar', { pairs: 8, queries: 4, distance: 256 }, probeSeed(18_000, 'mqar-distance', 0, 1));
    expect(c.probes[1].seed).toBe(want.seed);
    expect(c.probes[1].expected).toEqual(want.answers.flatMap((a) => Array.from(want.bytes.subarray(a.start, a.start + a.length))));
    expect(c.probes.map((p) => p.exact)).toEqual([true, false, true, false]); // the fake reads even probes right
    expect(c.probes[1].bytesRight).toBe(0);
    const s = summarize([c]);
    expect(s).toMatchObject({ n: 4, right: 2, accuracy: 0.5, ...wilson(2, 4) });
    expect(s.lo).toBeCloseTo(0.15, 2);
    expect(get().recallProgress).toMatchObject({ done: 20, total: 20 });
  });

  it('zero probes, or a length no selected model can read: a message, nothing run, the earlier results kept', async () => {
    const fake = await page();
    await get().runRecall();
    const before = get().recallCells;
    get().setRecall((r) => ({ ...r, probes: 0 }));
    await get().runRecall();
    expect(get().recallMessage).toEqual({ kind: 'error', text: 'The number of probes per point must be a whole number from 1 to 1,000, not 0: nothing was run.' });
    get().setRecall((r) => ({ ...r, probes: 2, mqar: { ...r.mqar, distances: [131072] } }));
    await get().runRecall();
    expect(get().recallMessage?.text).toMatch(/^None of the selected models can read these probes, so nothing was run: transformer-tiny reads at most 1,024 bytes in one forward and decodes at most 65,536 positions/);
    expect(get().recallMessage?.text).toMatch(/primer-tiny reads at most 1,024 bytes in one forward/);
    expect(fake.calls.recall).toHaveLength(4);
    expect(get().recallCells).toBe(before);
  });

  it('a model without a step graph where decoding is needed is recorded as unable, in words; the other reads on', async () => {
    await page();
    useStore.setState({ manifests: get().manifests.map((m) => (m.id === A ? { ...m, step: undefined } : m)) });
    await get().runRecall();
    expect(cell(A, 2048).failure).toEqual({ kind: 'invalid-model', message: 'transformer-tiny reads at most 1,024 bytes in one forward and has no step graph for cached decoding, so it cannot read a 2,048-byte probe.' });
    expect(summarize([cell(A, 2048)]).accuracy).toBeNull();
    expect(summarize([cell(A, 256)]).accuracy).toBe(0.5);
    expect(cell(B, 2048).probes).toHaveLength(4);
  });

  it('out of memory mid-run: the probes read before are kept, longer probes of that model are not tried, the others go on', async () => {
    const fake = await page({ failRecall: { [A]: { after: 2, error: new EngineError('out-of-memory', 'transformer-tiny reading 256-byte probes: Out of memory') } } }, [256, 512, 2048]);
    await get().runRecall();
    expect(cell(A, 256)).toMatchObject({ failure: { kind: 'out-of-memory' }, running: false });
    expect(cell(A, 256).probes).toHaveLength(2);
    expect(cell(A, 512).failure).toEqual({ kind: 'skipped', message: 'not run: it ran out of memory at 256 bytes, a shorter probe' });
    expect(fake.calls.recall.filter((c) => c.id === A)).toHaveLength(1);
    expect(cell(B, 2048).probes).toHaveLength(4);
    expect(get().recallMessage?.text).toBe('1 model failed at some point (see the table); the other results are kept.');
  });

  it('Stop keeps what was read', async () => {
    await page(undefined, [256, 512], 200);
    const run = get().runRecall();
    await new Promise((r) => setTimeout(r, 60));
    get().stopRecall();
    await run;
    const read = get().recallCells.flatMap((c) => c.probes).length;
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(800);
    expect(get().recallCells.some((c) => c.stopped?.startsWith('stopped by the user after'))).toBe(true);
    expect(get().recallMessage?.text).toBe(`Recall run stopped; the ${read.toLocaleString('en-US')} probes read before are kept.`);
    expect(get().recallRunning).toBe(false);
  });
});

describe('recall in links', () => {
  it('settings always; results with "results in link", scored again where the link is opened; tampered results refused', async () => {
    await page();
    get().setRecall((r) => ({ ...r, task: 'mirrored-copy', mirrored: { lengths: [64, 128] }, seed: 5 }));
    await get().runRecall();
    const settings = get().recall;
    const first = sharedState(false);
    resetStore();
    await open(first);
    expect(get().recall).toEqual(settings);
    expect(get().recallCells).toEqual([]);

    await page();
    get().setRecall(() => settings);
    await get().runRecall();
    get().setShareResults(true);
    const link = sharedState(false);
    const own = get().recallCells.map(({ top: _t, ...c }: RecallCell & { top?: unknown }) => c);
    resetStore();
    await open(link);
    expect(get().recallCells).toHaveLength(own.length);
    expect(get().recallCells.every((c) => c.source === 'from a link')).toBe(true);
    expect(get().recallCells.map((c) => summarize([c]).accuracy)).toEqual(own.map((c) => summarize([c as RecallCell]).accuracy));

    const tampered = { ...link, recallResults: link.recallResults!.map((c: NonNullable<SharedState['recallResults']>[number], i: number) => (i ? c : { ...c, probes: c.probes.map((p) => ({ ...p, predicted: [...p.predicted, 1] })) })) };
    resetStore();
    await open(tampered);
    expect(get().recallCells).toEqual([]);
    expect(get().recallMessage?.text).toMatch(/^This link's recall results were refused, so none of them is drawn: transformer-tiny at mirrored-copy x = 64: probe \d+ has 17 predicted bytes for 16 answer bytes/);
  });

  it('a link made before recall existed opens with the defaults', async () => {
    await open({ v: 1, models: [A], backend: 'wasm', context: 256 } as never);
    expect(get().recall).toEqual(RECALL_DEFAULTS);
  });
});

describe('the trade-off chart at N', () => {
  it('one bubble per selected model: the sweep median, the recall accuracy at N, memory measured with the speed (else the estimate)', async () => {
    await page(undefined, [256]);
    setContext(256);
    await get().runRecall();
    useStore.setState({ sweepContexts: [256] });
    await get().runSweep();
    const [a, b] = bubbles(get());
    expect(a).toMatchObject({ modelId: A, speed: { value: 1.5 }, quality: { value: 0.5 }, memory: { value: 1 << 24, measured: true } });
    expect(a.quality!.from).toBe('recall accuracy measured in this page: MQAR (8 pairs, 4 queries), 4 probes of 256 bytes');
    expect(b.modelId).toBe(B);
    setContext(2048);
    const [a2] = bubbles(get());
    expect(a2.cannot).toBe('reads at most 1,024 bytes in one forward');
    expect(a2.memory.measured).toBe(false);
    get().setTradeoff({ speed: 'decode' });
    expect(bubbles(get())[0]).toMatchObject({ missing: { speed: 'decoding not measured at N', quality: 'no MQAR probes of 2,048 bytes read yet' }, canMeasure: { speed: true, quality: true } });
    await get().runRecall({ at: 2048, modelIds: [A] });
    expect(get().recall.mqar.distances).toEqual([256, 2048]);
    expect(bubbles(get())[0].quality?.value).toBe(0.5);
    get().setTradeoff({ quality: 'bpb' });
    expect(bubbles(get())[0].missing.quality).toBe('its evaluation has no bits per byte (not a text model)');
  });
});

