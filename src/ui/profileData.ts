// The profile view's data: stacked rows per model (share of the measured window per category), and the profiles as
// CSV and JSON. Pure, so the tests can check what the chart and the files hold.
import { CATEGORIES } from '../engine';
import type { ProfileResult } from '../state/points';

/** The part of a window no operator accounts for: ORT's work between kernels, feeds and fetches. */
export const BETWEEN = 'between operators';
export const SEGMENTS = [...CATEGORIES, BETWEEN] as const;

export interface ProfileRow {
  n: number;
  runMs: number;
  [segment: string]: number; // % of the window
}

/** Per model: one row per N, each category's share of the window (the remainder as BETWEEN), in %. */
export function stackedRows(profiles: readonly ProfileResult[]): Map<string, ProfileRow[]> {
  const out = new Map<string, ProfileRow[]>();
  for (const p of [...profiles].sort((a, b) => a.contextLength - b.contextLength)) {
    const key = `${p.modelId} (${p.backend})`;
    const row: ProfileRow = { n: p.contextLength, runMs: p.runMs };
    for (const c of CATEGORIES) row[c] = (100 * p.byCategory[c]) / p.runMs;
    row[BETWEEN] = (100 * Math.max(0, p.runMs - p.opsMs)) / p.runMs;
    out.set(key, [...(out.get(key) ?? []), row]);
  }
  return out;
}

const cell = (v: unknown) => {
  const s = v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One line per profile and category (kind "category"), then per top operator (kind "operator"). */
export function profilesCsv(profiles: readonly ProfileResult[]): string {
  const rows = ['model,backend,ep,context,latents,run_ms,kind,name,op_type,category,ms,share_of_run,shape,browser,measured_at'];
  for (const p of profiles) {
    const head = [p.modelId, p.backend, p.provenance.ep, p.contextLength, p.numLatents, p.runMs];
    const tail = [p.provenance.browser, p.provenance.measuredAt];
    for (const c of CATEGORIES) rows.push([...head, 'category', c, '', c, p.byCategory[c], p.byCategory[c] / p.runMs, '', ...tail].map(cell).join(','));
    rows.push([...head, 'category', BETWEEN, '', BETWEEN, p.runMs - p.opsMs, (p.runMs - p.opsMs) / p.runMs, '', ...tail].map(cell).join(','));
    for (const o of p.top) rows.push([...head, 'operator', o.name, o.opType, o.category, o.ms, o.ms / p.runMs, o.shape, ...tail].map(cell).join(','));
  }
  return rows.join('\n') + '\n';
}

export const PROFILES_FORMAT = 'long-context-playground/profiles';
export const profilesJson = (profiles: readonly ProfileResult[]) =>
  JSON.stringify({ format: PROFILES_FORMAT, version: 1, savedAt: new Date().toISOString(), profiles }, null, 1);
