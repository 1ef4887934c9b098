// What the recall charts draw: a curve per model and source from its cells (Wilson intervals, a note where it could
// not read), the offline evaluation's matching curve (the needle's depths pooled by their counts), and the needle
// grid for one model or the difference of two.
import { describe, expect, it } from 'vitest';
import type { Manifest, RecallEvaluation } from '../../src/catalog/manifest';
import { RECALL_DEFAULTS, type RecallCell, type RecallSettings } from '../../src/state/recallData';
import { wilson } from '../../src/tasks/evaluation';
import { needleGrid, OFFLINE, offlineCurve, recallCurves } from '../../src/ui/recall/recallSeries';
import { manifests } from './stateFixtures';

const probes = (right: number, n: number) => Array.from({ length: n }, (_, i) => ({ seed: i, expected: [1], predicted: [i < right ? 1 : 2], exact: i < right, bytesRight: i < right ? 1 : 0, ms: 1 }));
const cell = (o: Partial<RecallCell>): RecallCell => ({ source: 'this page', modelId: 'transformer-tiny', backend: 'wasm', task: 'mqar', params: {}, x: 0, length: 0, planned: 4, probes: [], measuredAt: '2026-12-05T00:00:00.000Z', ...o });
const mqar = (d: number, right: number, o: Partial<RecallCell> = {}) => cell({ params: { pairs: 8, queries: 4, distance: d }, x: d, length: d, probes: probes(right, 4), ...o });

const offline: RecallEvaluation = {
  command: 'npm run models:eval:recall',
  probesPerPoint: 4,
  seed: 18000,
  curves: [{ task: 'mqar', params: { pairs: 8, queries: 4 }, axis: 'distance', points: [{ x: 256, accuracy: 0.75, lo: 0.3, hi: 0.95, n: 4 }, { x: 65536, accuracy: null, note: 'beyond its limit' }] }],
  needle: {
    depths: [0, 1],
    lengths: [1024],
    cells: [{ depth: 0, length: 1024, accuracy: 0.5, n: 4 }, { depth: 1, length: 1024, accuracy: 1, n: 4 }],
  },
};
const withOffline: Manifest[] = manifests.map((m) => (m.id === 'transformer-tiny' ? { ...m, evaluation: { command: 'x', heldOutBitsPerByte: [], copyAccuracy: [], recall: offline } } : m));

describe('recall curves', () => {
  it("one per model and source on the current curve, the offline evaluation's beside them", () => {
    const cells = [
      mqar(256, 2),
      mqar(1024, 0, { probes: [], failure: { kind: 'invalid-model', message: 'no step graph' } }),
      mqar(256, 4, { source: 'from a link' }),
      mqar(256, 1, { params: { pairs: 16, queries: 4, distance: 256 } }), // another curve: left out
    ];
    const curves = recallCurves(cells, RECALL_DEFAULTS, withOffline, ['transformer-tiny']);
    expect(curves.map((c) => c.key)).toEqual(['transformer-tiny', 'transformer-tiny — from a link', 'transformer-tiny — offline evaluation (4 probes a point)']);
    expect(curves[0].points).toEqual([
      { x: 256, accuracy: 0.5, n: 4, ...wilson(2, 4), note: undefined },
      { x: 1024, accuracy: null, n: 0, lo: undefined, hi: undefined, note: 'no step graph' },
    ]);
    expect(curves[1].points[0].accuracy).toBe(1);
    expect(curves[2].points.map((p) => p.accuracy)).toEqual([0.75, null]);
    expect(recallCurves(cells, { ...RECALL_DEFAULTS, mqar: { ...RECALL_DEFAULTS.mqar, queries: 2 } }, withOffline, ['transformer-tiny']).map((c) => c.key)).toEqual([]);
  });

  it("the offline needle pooled over the page's depths, by their counts", () => {
    const s: RecallSettings = { ...RECALL_DEFAULTS, task: 'needle', needle: { lengths: [1024], depths: [0, 1] } };
    expect(offlineCurve(offline, s)).toEqual([{ x: 1024, accuracy: 0.75, n: 8 }]);
    expect(offlineCurve(offline, { ...s, needle: { lengths: [1024], depths: [1] } })).toEqual([{ x: 1024, accuracy: 1, n: 4, lo: undefined, hi: undefined }]);
  });

  it('the needle grid: one model, or the difference of two where both ran', () => {
    const s: RecallSettings = { ...RECALL_DEFAULTS, task: 'needle', needle: { lengths: [1024, 4096], depths: [0, 1] } };
    const needle = (id: string, length: number, depth: number, right: number) => cell({ modelId: id, task: 'needle', params: { length, depth }, x: length, length, probes: probes(right, 4) });
    const cells = [needle('transformer-tiny', 1024, 0, 4), needle('transformer-tiny', 1024, 1, 1), needle('primer-tiny', 1024, 0, 2)];
    const a = needleGrid(cells, withOffline, s, { modelId: 'transformer-tiny', source: 'this page' });
    expect(a.map((c) => c.value)).toEqual([1, 0.25, null, null]);
    const d = needleGrid(cells, withOffline, s, { modelId: 'transformer-tiny', source: 'this page' }, { modelId: 'primer-tiny', source: 'this page' });
    expect(d.map((c) => c.value)).toEqual([0.5, null, null, null]);
    const o = needleGrid(cells, withOffline, s, { modelId: 'transformer-tiny', source: OFFLINE });
    expect(o.map((c) => c.value)).toEqual([0.5, 1, null, null]);
  });
});
