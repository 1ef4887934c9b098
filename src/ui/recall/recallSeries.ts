// Recall cells -> what the charts draw: accuracy against x per model and source (this page, a link, the model's
// offline evaluation), with Wilson intervals; the needle grid (length x depth) for one model or the difference of
// two; and the rows of the recall table and its CSV. Pure: the components and the unit tests share it.
import type { Manifest, RecallEvaluation } from '../../catalog/manifest';
import { axisOf, paramsText, recallPoints, sameParams, summarize, THIS_PAGE, type RecallCell, type RecallSettings, type Summary } from '../../state/recallData';

export const OFFLINE = 'offline evaluation';

export interface CurvePoint {
  x: number;
  accuracy: number | null;
  lo?: number;
  hi?: number;
  n: number;
  note?: string; // why there is no accuracy (the model cannot read it, or failed)
}

export interface Curve {
  key: string; // legend: "transformer-tiny", "transformer-tiny — from a link", "transformer-tiny — offline evaluation (…)"
  modelId: string;
  source: string; // THIS_PAGE, a link, or OFFLINE
  points: CurvePoint[];
}

/** The parameters that stay fixed along the current curve, and the cells on it. */
function onCurve(s: RecallSettings) {
  const points = recallPoints(s);
  return (c: RecallCell) => points.some((p) => p.task === c.task && sameParams(p.params, c.params));
}

const point = (x: number, sum: Summary, note?: string): CurvePoint => ({ x, accuracy: sum.accuracy, lo: sum.lo, hi: sum.hi, n: sum.n, note: sum.n ? undefined : note });

/** The curves of the current settings: one per model and source; a needle curve pools every depth at a length. */
export function recallCurves(cells: RecallCell[], s: RecallSettings, manifests: Manifest[], modelIds: string[]): Curve[] {
  const on = onCurve(s);
  // a cell joins its curve once its probes are read (the table and the progress bar show the one being read)
  const mine = cells.filter((c) => on(c) && !c.running && modelIds.includes(c.modelId));
  const out: Curve[] = [];
  const groups = new Map<string, RecallCell[]>();
  for (const c of mine) {
    const key = c.source === THIS_PAGE ? c.modelId : `${c.modelId} — ${c.source}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const [key, group] of groups) {
    const xs = [...new Set(group.map((c) => c.x))].sort((a, b) => a - b);
    const points = xs.map((x) => {
      const at = group.filter((c) => c.x === x);
      return point(x, summarize(at), at.map((c) => c.failure?.message).find(Boolean) ?? (at.some((c) => c.running) ? 'running' : 'no probe read'));
    });
    out.push({ key, modelId: group[0].modelId, source: group[0].source, points });
  }
  for (const id of modelIds) {
    const m = manifests.find((x) => x.id === id);
    const r = m?.evaluation?.recall;
    const offline = r && offlineCurve(r, s);
    if (offline?.length) out.push({ key: `${id} — ${OFFLINE} (${r!.probesPerPoint} probes a point)`, modelId: id, source: OFFLINE, points: offline });
  }
  return out;
}

/** The model's offline evaluation on the current curve: the same task, axis and fixed parameters (needle: the page's
 * depths pooled at each length, counts from n and accuracy). Empty when it has no such curve. */
export function offlineCurve(r: RecallEvaluation, s: RecallSettings): CurvePoint[] {
  if (s.task === 'needle') {
    if (!r.needle) return [];
    return r.needle.lengths.flatMap((length): CurvePoint[] => {
      const cells = r.needle!.cells.filter((c) => c.length === length && s.needle.depths.includes(c.depth));
      if (!cells.length) return [];
      if (cells.some((c) => c.accuracy === null || !c.n)) return [{ x: length, accuracy: null, n: 0, note: cells.find((c) => c.note)?.note }];
      const n = cells.reduce((a, c) => a + c.n!, 0);
      const right = cells.reduce((a, c) => a + Math.round(c.accuracy! * c.n!), 0);
      return [{ x: length, accuracy: right / n, n, ...(cells.length === 1 ? { lo: cells[0].lo, hi: cells[0].hi } : {}) }];
    });
  }
  const axis = axisOf(s);
  const fixed: Record<string, number> = s.task === 'mqar' ? (axis === 'distance' ? { pairs: s.mqar.pairs, queries: s.mqar.queries } : { distance: s.mqar.distance, queries: s.mqar.queries }) : {};
  const curve = r.curves.find((c) => c.task === s.task && c.axis === axis && sameParams(c.params, fixed));
  return curve ? curve.points.map((p) => ({ x: p.x, accuracy: p.accuracy, lo: p.lo, hi: p.hi, n: p.n ?? 0, note: p.note })) : [];
}

/** The offline evaluation's curves a model has, in words, for the panel to offer them when none matches. */
export const offlineCurves = (r: RecallEvaluation) => r.curves.map((c) => `${c.task} by ${c.axis} (${paramsText(c.params)})`);

/** The needle grid: accuracy (or the difference of two models) per length and depth. */
export interface GridCell {
  length: number;
  depth: number;
  value: number | null; // accuracy, or A − B
  n: number;
  note?: string;
}

export type GridSource = { modelId: string; source: string }; // source: THIS_PAGE, a link, or OFFLINE

function gridOf(cells: RecallCell[], manifests: Manifest[], g: GridSource, lengths: number[], depths: number[]): Map<string, { acc: number | null; n: number; note?: string }> {
  const out = new Map<string, { acc: number | null; n: number; note?: string }>();
  if (g.source === OFFLINE) {
    const r = manifests.find((m) => m.id === g.modelId)?.evaluation?.recall?.needle;
    for (const c of r?.cells ?? []) out.set(`${c.length}|${c.depth}`, { acc: c.accuracy, n: c.n ?? 0, note: c.note });
    return out;
  }
  for (const length of lengths)
    for (const depth of depths) {
      const at = cells.filter((c) => c.task === 'needle' && c.modelId === g.modelId && c.source === g.source && c.params.length === length && c.params.depth === depth);
      if (!at.length) continue;
      const sum = summarize(at);
      out.set(`${length}|${depth}`, { acc: sum.accuracy, n: sum.n, note: at.map((c) => c.failure?.message).find(Boolean) });
    }
  return out;
}

export function needleGrid(cells: RecallCell[], manifests: Manifest[], s: RecallSettings, a: GridSource, b?: GridSource): GridCell[] {
  const { lengths, depths } = s.needle;
  const A = gridOf(cells, manifests, a, lengths, depths);
  const B = b && gridOf(cells, manifests, b, lengths, depths);
  return lengths.flatMap((length) =>
    depths.map((depth): GridCell => {
      const k = `${length}|${depth}`;
      const x = A.get(k);
      const y = B?.get(k);
      if (!B) return { length, depth, value: x?.acc ?? null, n: x?.n ?? 0, note: x ? x.note : 'not run' };
      const value = x?.acc != null && y?.acc != null ? x.acc - y.acc : null;
      return { length, depth, value, n: Math.min(x?.n ?? 0, y?.n ?? 0), note: value === null ? (x?.note ?? y?.note ?? 'not run for both') : undefined };
    }),
  );
}
