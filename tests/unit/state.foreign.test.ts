// Results from elsewhere: imported files and links are checked, kept apart from this page's points, and can be
// re-measured here.
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_RESULTS_FILE_BYTES } from '../../src/state/foreign';
import { pointProblems } from '../../src/state/plausibility';
import { resetStore, useStore } from '../../src/state/store';
import { pointsJson } from '../../src/ui/download';
import type { MeasurePoint, MeasurePointOk } from '../../src/engine/types';
import { fakeEngine, manifests, namedBlob } from './stateFixtures';

const get = useStore.getState;
const tiny = manifests.find((m) => m.id === 'transformer-tiny')!;
const perceiver = manifests.find((m) => m.id === 'perceiver-ar-tiny')!;

async function measuredElsewhere(): Promise<MeasurePoint[]> {
  await get().init(fakeEngine().engine, null);
  useStore.setState({ selected: ['transformer-tiny', 'perceiver-ar-tiny'] });
  get().setSweepMax(512);
  await get().runSweep();
  const points = get().points;
  resetStore();
  return points;
}

beforeEach(() => resetStore());

describe('importing an exported JSON file', () => {
  it('overlays its points as results from the file, apart from this page', async () => {
    const points = await measuredElsewhere();
    const fake = fakeEngine();
    await get().init(fake.engine, null);
    await get().importResults(namedBlob('laptop.json', pointsJson(points, [], undefined)));
    expect(get().points).toEqual([]);
    expect(get().foreign).toEqual([{ source: 'from file laptop.json', points }]);
    expect(get().banner).toMatchObject({ kind: 'info', text: expect.stringMatching(/4 points from file laptop\.json/) });
    // the same file again replaces its set; a file holding another page's foreign results brings them along
    await get().importResults(namedBlob('laptop.json', pointsJson(points.slice(0, 1), [{ source: 'from a link', points: points.slice(1) }], undefined)));
    expect(get().foreign).toEqual([{ source: 'from file laptop.json', points }]);
  });

  it.each([
    ['not JSON', 'notes.json', 'hello', /notes\.json is not JSON/],
    ['JSON that is no results file', 'package.json', '{"name":"x"}', /package\.json is not a playground results file: points/],
    ['no points', 'empty.json', '{"points":[]}', /empty\.json holds no results/],
  ])('refuses %s with a message and changes nothing', async (_label, name, body, re) => {
    await get().init(fakeEngine().engine, null);
    await get().importResults(namedBlob(name, body));
    expect(get().foreign).toEqual([]);
    expect(get().banner).toMatchObject({ kind: 'error', text: expect.stringMatching(re) });
  });

  it('refuses an oversized file before reading it', async () => {
    await get().init(fakeEngine().engine, null);
    const huge = namedBlob('huge.json', '{}');
    Object.defineProperty(huge, 'size', { value: MAX_RESULTS_FILE_BYTES + 1 });
    await get().importResults(huge);
    expect(get().banner?.text).toMatch(/huge\.json is 10\.0 MiB; results files are read up to 10 MiB/);
  });

  it('refuses a file with one implausible point, naming it', async () => {
    const points = await measuredElsewhere();
    const edited = points.map((p, i) => (i === 1 ? { ...p, contextLength: 1 << 20, bytesPerSec: (1 << 20) / 0.0015 } : p));
    await get().init(fakeEngine().engine, null);
    await get().importResults(namedBlob('edited.json', pointsJson(edited, [], undefined)));
    expect(get().foreign).toEqual([]);
    expect(get().banner?.text).toMatch(/The results in edited\.json were refused.*transformer-tiny on wasm at N = 1,049,000: N is beyond the model's limit of 1,024 bytes/);
  });
});

describe('compare with this device', () => {
  it('measures here exactly the points of a foreign set, once each, and draws both', async () => {
    const points = await measuredElsewhere();
    const fake = fakeEngine();
    await get().init(fake.engine, null);
    await get().importResults(namedBlob('other.json', pointsJson([...points, points[0]], [], undefined)));
    await get().compareHere('from file other.json');
    expect(fake.calls.plans.at(-1)).toEqual([
      { modelId: 'perceiver-ar-tiny', backend: 'wasm', contextLength: 256, numLatents: 16 },
      { modelId: 'perceiver-ar-tiny', backend: 'wasm', contextLength: 512, numLatents: 16 },
      { modelId: 'transformer-tiny', backend: 'wasm', contextLength: 256, numLatents: undefined },
      { modelId: 'transformer-tiny', backend: 'wasm', contextLength: 512, numLatents: undefined },
    ]);
    expect(get().points).toHaveLength(4);
    expect(get().foreign[0].points).toHaveLength(5);
  });
});

describe('plausibility of one point', () => {
  const good: MeasurePointOk = {
    ok: true, modelId: 'transformer-tiny', backend: 'wasm', contextLength: 256, firstRunMs: 9, samplesMs: [4, 5, 6], medianMs: 5, p95Ms: 5.9, bytesPerSec: 256 / 0.005,
    memory: {}, estimate: { weightsBytes: 0, activationsBytes: 0, attentionBytes: 0, cacheBytes: 0, totalBytes: 0, flops: 0, largestTensorBytes: 0 }, wasmThreads: 2,
    provenance: { browser: 'Chrome 156', platform: 'Linux', hardwareThreads: 2, crossOriginIsolated: true, ep: 'wasm', wasmThreads: 2, ort: '1.30.0', app: '0.1.0', measuredAt: '2026-11-02T10:00:00Z' },
  };
  const now = Date.parse('2026-11-03T00:00:00Z');
  it('a point as the engine makes it passes', () => expect(pointProblems(good, tiny, now)).toEqual([]));
  it.each([
    ['p95 below the median', { p95Ms: 4 }, /p95 4 ms is below the median 5 ms/],
    ['a median that is not its runs', { medianMs: 4, bytesPerSec: 256 / 0.004 }, /median 4 ms is not the median of its 3 runs \(5 ms\)/],
    ['no runs', { samplesMs: [] }, /no timed runs/],
    ['the fabricated point of issue 15', { samplesMs: [0.001], medianMs: 0.001, p95Ms: 0.001, bytesPerSec: 1e12 }, /1,000,000,000,000 bytes\/s is not N \/ median.*under 10 µs/],
    ['N past the limit', { contextLength: 4096, bytesPerSec: 4096 / 0.005 }, /beyond the model's limit of 1,024/],
    ['threads without isolation', { provenance: { ...good.provenance!, crossOriginIsolated: false } }, /2 WASM threads without cross-origin isolation/],
    ['more threads than the device', { wasmThreads: 8, provenance: { ...good.provenance!, wasmThreads: 8 } }, /8 WASM threads on 2 hardware threads/],
    ['a backend its build contradicts', { provenance: { ...good.provenance!, ep: 'webgpu-jsep' as const } }, /ran on wasm but records the webgpu-jsep build/],
    ['a time in the future', { provenance: { ...good.provenance!, measuredAt: '2027-01-01T00:00:00Z' } }, /measured in the future/],
    ['latents on a model without them', { numLatents: 64 }, /latents given for a model without latents/],
  ])('refuses %s', (_label, patch, re) => {
    expect(pointProblems({ ...good, ...patch } as MeasurePointOk, tiny, now).join('; ')).toMatch(re);
  });
  it('refuses a consistent but impossible speed: 16,384 bytes through the compare Transformer in 0.1 ms', () => {
    const compare = manifests.find((m) => m.id === 'transformer-compare')!;
    const fast = { ...good, modelId: compare.id, contextLength: 16384, samplesMs: [0.1, 0.1], medianMs: 0.1, p95Ms: 0.1, bytesPerSec: 16384 / 0.0001 };
    expect(pointProblems(fast, compare, now)).toEqual(['5,766 TFLOP/s, past any device (the fastest GPUs reach about 100 in float32)']);
  });
  it("decoding figures must agree with its steps, and end at N", () => {
    const decode = { ok: true as const, promptBytes: 253, prefillMs: 20, stepsMs: [1, 2, 6], msPerByte: 3, medianMs: 2, p95Ms: 5.6, refills: 0, stateBytes: 4096, memory: {} };
    expect(pointProblems({ ...good, decode }, tiny, now)).toEqual([]);
    expect(pointProblems({ ...good, decode: { ...decode, msPerByte: 0.3 } }, tiny, now)).toEqual(['decoding: 0.3 ms per byte is not the mean of its steps (3 ms)']);
    expect(pointProblems({ ...good, decode: { ...decode, promptBytes: 100 } }, tiny, now).join()).toMatch(/100-byte prompt and 3 steps do not end at N/);
  });
  it('a latents model needs latents within N; an unknown model is refused', () => {
    expect(pointProblems({ ...good, modelId: 'perceiver-ar-tiny', numLatents: 512 }, perceiver, now)).toEqual(['latents 512 do not fit N']);
    expect(pointProblems(good, undefined, now)).toEqual(['this page has no such model']);
  });
});
