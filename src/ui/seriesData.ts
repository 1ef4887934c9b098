// Points -> rows recharts can draw: one row per context length, columns per series. A series is one model on one
// backend (its base) of one kind: this page's sweep (medians), the slider's single runs, or results from elsewhere
// ("from a link: measured on Chrome 156 · Linux · 8 threads"); each kind is drawn in its own style, never merged.
import type { DecodePointOk, GenerateResult, MeasurePoint, MeasurePointOk, MemoryEstimate } from '../engine';
import type { ForeignResults } from '../state/foreign';
import { decodedContext } from '../state/selectors';
import type { SingleRun } from '../state/runs';
import { originLabel } from './provenanceText';

/** One run, not a median: a slider run, a Continue run (decode charts), or the first run of a sweep point. */
export type SingleKind = 'slider' | 'Continue' | 'Continue, state on the GPU' | 'Continue, state uploaded every step' | 'Continue, steps captured' | 'sweep, first run';

/** A point as the charts see it; `origin` is set for results measured elsewhere, `single` for one run (of the slider,
 * or a Continue run on the decode charts): not a median; `first` for a first run at its N (drawn hollow). */
export type ChartPoint = MeasurePoint & { origin?: string; single?: SingleKind; first?: boolean };


/** One run as a point: its one time is its median and its p95 (no spread is drawn for it); memory was not measured. */
const singlePoint = (r: SingleRun): ChartPoint => ({
  ok: true, modelId: r.modelId, backend: r.backend, contextLength: r.contextLength, numLatents: r.numLatents, estimate: r.estimate,
  firstRunMs: r.latencyMs, samplesMs: [r.latencyMs], medianMs: r.latencyMs, p95Ms: r.latencyMs, bytesPerSec: r.contextLength / (r.latencyMs / 1000),
  memory: {}, wasmThreads: 0, single: 'slider', first: r.first,
});

/** The first run of each of this page's sweep points (shader compilation, allocation) as a point of its own. */
export const firstRunPoints = (own: MeasurePoint[]): ChartPoint[] =>
  own.flatMap((p) =>
    p.ok && p.firstRunMs > 0
      ? [{ ...p, samplesMs: [p.firstRunMs], medianMs: p.firstRunMs, p95Ms: p.firstRunMs, bytesPerSec: p.contextLength / (p.firstRunMs / 1000), memory: {}, decode: undefined, single: 'sweep, first run' as const, first: true }]
      : [],
  );

/** This page's sweep points, its single runs, then every point from elsewhere tagged with where it came from. */
export const chartPoints = (own: MeasurePoint[], singles: SingleRun[], foreign: ForeignResults[]): ChartPoint[] => [
  ...own,
  ...singles.map(singlePoint),
  ...foreign.flatMap((f) => f.points.map((p) => ({ ...p, origin: originLabel(f.source, p.provenance) }))),
];

export const baseKey = (p: Pick<MeasurePoint, 'modelId' | 'backend'>) => `${p.modelId} (${p.backend})`;
export const seriesKey = (p: ChartPoint) =>
  p.origin ? `${baseKey(p)} — ${p.origin}` : p.single === 'sweep, first run' ? `${baseKey(p)} · first runs (sweep)` : p.single ? `${baseKey(p)} · single runs (${p.single})` : baseKey(p);

export type Row = { n: number } & Record<string, number | [number, number]>;

export interface Series {
  key: string;
  base: string; // model (backend): its colour, and the column of its estimate
  origin?: string;
  single?: SingleKind;
}

export interface Failure {
  series: string;
  n: number;
  kind: string;
  message: string;
}

export interface ChartData {
  rows: Row[];
  series: Series[]; // in first-seen order, so colours stay put as points arrive
  bases: string[]; // likewise
  failures: Failure[];
  companion?: string; // the dashed series' name: column `${base} ${companion}`
}

/** One point's contribution to a chart: a value (or a failure) of one series at one N, and its dashed companion. */
interface Cell {
  series: Series;
  n: number;
  value?: number; // undefined or 0: not measured on this platform; left out, not drawn as 0 (a log axis cannot show it)
  spread?: [number, number]; // [low, high] around the value, drawn as an error bar (column `${key} spread`, as offsets)
  failure?: { kind: string; message: string };
  companion?: number; // one per base (column `${base} ${companion name}`): drawn dashed
  first?: boolean; // a first run at its N: column `${key} first` = 1, drawn hollow
}

const seriesOf = (p: ChartPoint): Series => ({ key: seriesKey(p), base: baseKey(p), origin: p.origin, single: p.single });

function rowsOf(cells: Cell[], companion?: string): ChartData {
  const byN = new Map<number, Row>();
  const series: Series[] = [];
  const bases: string[] = [];
  const failures: Failure[] = [];
  for (const c of cells) {
    const { key, base } = c.series;
    const has = (v?: number) => v !== undefined && Number.isFinite(v) && v > 0;
    if (!has(c.value) && !c.failure && !has(c.companion)) continue;
    if (!bases.includes(base)) bases.push(base);
    // a series is listed once it has something to draw (single runs have no measured memory, for one)
    if ((has(c.value) || c.failure) && !series.some((s) => s.key === key)) series.push(c.series);
    const row = byN.get(c.n) ?? ({ n: c.n } as Row);
    byN.set(c.n, row);
    if (has(c.value)) {
      row[key] = c.value!;
      if (c.first) row[`${key} first`] = 1;
      if (c.spread) row[`${key} spread`] = [Math.max(0, c.value! - c.spread[0]), Math.max(0, c.spread[1] - c.value!)];
    }
    if (c.failure) failures.push({ series: key, n: c.n, kind: c.failure.kind, message: c.failure.message });
    if (has(c.companion)) row[`${base} ${companion}`] = c.companion!;
  }
  return { rows: [...byN.values()].sort((a, b) => a.n - b.n), series, bases, failures, companion };
}

/**
 * The one-shot forward's figures. value: the measured figure of a point that ran. spread: [low, high] around it.
 * estimate: an analytic figure, known for failed points too; one per base (column `${base} estimate`): it depends on
 * the model, not on the device. companion: another figure drawn dashed per base instead (named). A point whose
 * forward was skipped on purpose (decoding only) adds nothing.
 */
export function toRows(
  points: ChartPoint[],
  value: (p: MeasurePointOk) => number | undefined,
  opts: {
    spread?: (p: MeasurePointOk) => [number, number];
    estimate?: (p: MeasurePoint) => number | undefined;
    companion?: { name: string; value: (p: ChartPoint) => number | undefined };
  } = {},
): ChartData {
  const cells = points.map((p): Cell => ({
    series: seriesOf(p),
    n: p.contextLength,
    value: p.ok ? value(p) : undefined,
    spread: p.ok && opts.spread && !p.single ? opts.spread(p) : undefined,
    failure: !p.ok && p.failure.kind !== 'skipped' ? p.failure : undefined,
    companion: opts.companion ? opts.companion.value(p) : p.estimate && opts.estimate?.(p),
    first: p.first,
  }));
  return rowsOf(cells, opts.companion?.name ?? 'estimate');
}

/** Cached decoding's figures (the points' `decode`); its failures are decoding's own. */
export function decodeRows(points: ChartPoint[], value: (d: DecodePointOk) => number | undefined, companion?: { name: string; value: (d: DecodePointOk, p: ChartPoint) => number | undefined }): ChartData {
  const cells = points.map((p): Cell => ({
    series: seriesOf(p),
    n: p.contextLength,
    value: p.decode?.ok ? value(p.decode) : undefined,
    failure: p.decode && !p.decode.ok ? p.decode.failure : undefined,
    companion: p.decode?.ok ? companion?.value(p.decode, p) : undefined,
  }));
  return rowsOf(cells, companion?.name);
}

/** A Continue run with the cache as a single decode run at the context it ended at (not a median). */
export const decodeRunPoint = (r: GenerateResult, estimate: MemoryEstimate): ChartPoint => ({
  ok: false, modelId: r.modelId, backend: r.backend, contextLength: decodedContext(r), numLatents: r.numLatents, estimate,
  failure: { kind: 'skipped', message: 'a Continue run: decoding only' },
  decode: {
    ok: true, promptBytes: r.promptBytes, prefillMs: r.prefillMs, stepsMs: r.stepMs.slice(1), msPerByte: r.msPerByte!, medianMs: r.medianMs!, p95Ms: r.p95Ms!,
    refills: r.refills, refillTo: r.refillTo, stateBytes: r.stateBytes ?? 0, memory: r.memory ?? {},
  },
  // WebGPU: where the state lived and how steps ran, so the three ways are series side by side
  single: r.backend === 'webgpu' && r.stateOn ? (r.captured ? 'Continue, steps captured' : r.stateOn === 'gpu' ? 'Continue, state on the GPU' : 'Continue, state uploaded every step') : 'Continue',
});

/** GPU bytes when the GPU ran, else the WASM heap: what the platform let us measure. */
export const measuredMemory = (p: MeasurePointOk) => (p.backend === 'webgpu' ? p.memory.gpuAllocatedPeakBytes : p.memory.wasmHeapBytes);

/** Smallest and largest value drawn (measured, estimated, error-bar ends), for an axis that shows them all. */
export function valueRange(data: ChartData): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of data.rows)
    for (const [k, v] of Object.entries(row)) {
      if (k === 'n' || k.endsWith(' first')) continue;
      const ends = Array.isArray(v) ? [(row[k.slice(0, -' spread'.length)] as number) - v[0], (row[k.slice(0, -' spread'.length)] as number) + v[1]] : [v];
      for (const e of ends) if (Number.isFinite(e) && e > 0) (lo = Math.min(lo, e)), (hi = Math.max(hi, e));
    }
  return lo <= hi ? [lo, hi] : undefined;
}
