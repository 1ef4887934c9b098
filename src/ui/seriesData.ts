// Points -> rows recharts can draw: one row per context length, columns per series. A series is one model on one
// backend (its base) of one kind: this page's sweep (medians), the slider's single runs, or results from elsewhere
// ("from a link: measured on Chrome 156 · Linux · 8 threads"); each kind is drawn in its own style, never merged.
import type { MeasurePoint, MeasurePointOk } from '../engine/types';
import type { ForeignResults } from '../state/foreignPatches';
import type { SingleRun } from '../state/runs';
import { originLabel } from './provenanceText';

/** A point as the charts see it; `origin` is set for results measured elsewhere, `single` for one slider run. */
export type ChartPoint = MeasurePoint & { origin?: string; single?: boolean };

export const SINGLE = 'single runs (slider)';

/** One run as a point: its one time is its median and its p95 (no spread is drawn for it); memory was not measured. */
const singlePoint = (r: SingleRun): ChartPoint => ({
  ok: true, modelId: r.modelId, backend: r.backend, contextLength: r.contextLength, numLatents: r.numLatents, estimate: r.estimate,
  firstRunMs: r.latencyMs, samplesMs: [r.latencyMs], medianMs: r.latencyMs, p95Ms: r.latencyMs, bytesPerSec: r.contextLength / (r.latencyMs / 1000),
  memory: {}, wasmThreads: 0, single: true,
});

/** This page's sweep points, its single runs, then every point from elsewhere tagged with where it came from. */
export const chartPoints = (own: MeasurePoint[], singles: SingleRun[], foreign: ForeignResults[]): ChartPoint[] => [
  ...own,
  ...singles.map(singlePoint),
  ...foreign.flatMap((f) => f.points.map((p) => ({ ...p, origin: originLabel(f.source, p.provenance) }))),
];

export const baseKey = (p: Pick<MeasurePoint, 'modelId' | 'backend'>) => `${p.modelId} (${p.backend})`;
export const seriesKey = (p: ChartPoint) => (p.origin ? `${baseKey(p)} — ${p.origin}` : p.single ? `${baseKey(p)} · ${SINGLE}` : baseKey(p));

export type Row = { n: number } & Record<string, number | [number, number]>;

export interface Series {
  key: string;
  base: string; // model (backend): its colour, and the column of its estimate
  origin?: string;
  single?: boolean;
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
}

/**
 * value: the measured figure (undefined or 0: not measured on this platform; left out, not drawn as 0, which a log axis
 * cannot show anyway).
 * spread: [low, high] around the value, drawn as an error bar (column `${key} spread`, as offsets).
 * estimate: an analytic figure, known for failed points too; one per base (column `${base} estimate`): it depends on
 * the model, not on the device.
 */
export function toRows(
  points: ChartPoint[],
  value: (p: MeasurePointOk) => number | undefined,
  opts: { spread?: (p: MeasurePointOk) => [number, number]; estimate?: (p: MeasurePoint) => number | undefined } = {},
): ChartData {
  const byN = new Map<number, Row>();
  const series: Series[] = [];
  const bases: string[] = [];
  const failures: Failure[] = [];
  for (const p of points) {
    const key = seriesKey(p);
    const base = baseKey(p);
    // a series is listed once it has something to draw (single runs have no measured memory, for one)
    const addSeries = () => series.some((s) => s.key === key) || series.push({ key, base, origin: p.origin, single: p.single });
    if (!bases.includes(base)) bases.push(base);
    const row = byN.get(p.contextLength) ?? ({ n: p.contextLength } as Row);
    byN.set(p.contextLength, row);
    if (!p.ok) addSeries();
    if (p.ok) {
      const v = value(p);
      if (v !== undefined && Number.isFinite(v) && v > 0) {
        addSeries();
        row[key] = v;
        if (opts.spread && !p.single) {
          const [lo, hi] = opts.spread(p);
          row[`${key} spread`] = [Math.max(0, v - lo), Math.max(0, hi - v)];
        }
      }
    } else failures.push({ series: key, n: p.contextLength, kind: p.failure.kind, message: p.failure.message });
    const e = p.estimate && opts.estimate?.(p);
    if (e !== undefined && e > 0) row[`${base} estimate`] = e;
  }
  return { rows: [...byN.values()].sort((a, b) => a.n - b.n), series, bases, failures };
}

/** GPU bytes when the GPU ran, else the WASM heap: what the platform let us measure. */
export const measuredMemory = (p: MeasurePointOk) => (p.backend === 'webgpu' ? p.memory.gpuAllocatedPeakBytes : p.memory.wasmHeapBytes);

/** Smallest and largest value drawn (measured, estimated, error-bar ends), for an axis that shows them all. */
export function valueRange(data: ChartData): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of data.rows)
    for (const [k, v] of Object.entries(row)) {
      if (k === 'n') continue;
      const ends = Array.isArray(v) ? [(row[k.slice(0, -' spread'.length)] as number) - v[0], (row[k.slice(0, -' spread'.length)] as number) + v[1]] : [v];
      for (const e of ends) if (Number.isFinite(e) && e > 0) (lo = Math.min(lo, e)), (hi = Math.max(hi, e));
    }
  return lo <= hi ? [lo, hi] : undefined;
}
