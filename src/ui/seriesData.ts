// Sweep points -> rows recharts can draw: one row per context length, one column per model x backend.
import type { MeasurePoint } from '../engine/types';

export const seriesKey = (p: Pick<MeasurePoint, 'modelId' | 'backend'>) => `${p.modelId} (${p.backend})`;

export interface Series {
  key: string;
  failures: { n: number; reason: string }[];
}

export function toRows(points: MeasurePoint[], value: (p: Extract<MeasurePoint, { ok: true }>) => number | undefined, estimate?: (p: MeasurePoint) => number) {
  const byN = new Map<number, Record<string, number>>();
  const series = new Map<string, Series>();
  for (const p of points) {
    const key = seriesKey(p);
    if (!series.has(key)) series.set(key, { key, failures: [] });
    const row = byN.get(p.contextLength) ?? { n: p.contextLength };
    byN.set(p.contextLength, row);
    if (p.ok) {
      const v = value(p);
      if (v !== undefined) row[key] = v;
    } else series.get(key)!.failures.push({ n: p.contextLength, reason: p.failure.kind });
    if (estimate && p.estimate) row[`${key} estimate`] = estimate(p);
  }
  return { rows: [...byN.values()].sort((a, b) => a.n - b.n), series: [...series.values()] };
}
