// The measured example the charts show until this page has measured a model itself: the project's benchmark of the
// compare models on the quiet 2-core machine (public/data/example-results.json, written by scripts/exampleResults.ts
// from docs/bench), labelled with the device that measured it, like any result from elsewhere.
import type { BackendChoice, MeasurePoint } from '../engine';
import type { ForeignResults } from '../state/foreign';
import { ResultsFileSchema } from '../state/points';

export const EXAMPLE_SOURCE = 'example';

let loading: Promise<MeasurePoint[]> | undefined;
export function exampleResults(): Promise<MeasurePoint[]> {
  loading ??= fetch(new URL('data/example-results.json', new URL(import.meta.env.BASE_URL, location.href)))
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((json) => ResultsFileSchema.parse(json).points as MeasurePoint[]);
  loading.catch(() => (loading = undefined));
  return loading;
}

/**
 * The example's points for the selected models, on WASM (where it was measured), for each model this page has not
 * swept on WASM yet; none once results from elsewhere are on show (they are the comparison then).
 */
export function exampleFor(example: MeasurePoint[], selected: string[], own: MeasurePoint[], backend: BackendChoice, foreign: ForeignResults[]): ForeignResults[] {
  if (backend === 'webgpu' || foreign.length) return [];
  const swept = new Set(own.filter((p) => p.backend === 'wasm').map((p) => p.modelId));
  const points = example.filter((p) => selected.includes(p.modelId) && !swept.has(p.modelId));
  return points.length ? [{ source: EXAMPLE_SOURCE, points }] : [];
}
