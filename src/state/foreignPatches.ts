// Results from elsewhere as store changes, computed without touching the store: the foreign slice applies them for
// files, and a link (shared.ts, which must not import the store) for its results.
import type { Manifest } from '../catalog/manifest';
import type { MeasurePoint } from '../engine';
import { refusal, resultProblems } from './plausibility';

export interface ForeignResults {
  source: string; // "from a link", "from file results.json"
  points: MeasurePoint[];
}

export const LINK_SOURCE = 'from a link';

/**
 * Overlays `points` under `source` (replacing an earlier set from the same source) once every point is plausible;
 * otherwise the refusal, and nothing changes. `what` names the results in the message.
 */
export function foreignPatch(
  source: string,
  what: string,
  points: MeasurePoint[],
  s: { foreign: ForeignResults[]; manifests: Manifest[] },
): { foreign: ForeignResults[] } | { refused: string } {
  const problems = resultProblems(points, s.manifests);
  if (problems.length) return { refused: refusal(what, problems, points.length) };
  return { foreign: [...s.foreign.filter((f) => f.source !== source), { source, points }] };
}
