// Results measured elsewhere: from a link or an imported JSON file. Kept apart from this page's points, checked
// for plausibility before they are drawn, labelled by where they came from and the device that measured them;
// "Compare with this device" measures the same points here. A link's results arrive through the same check
// (link/fields.ts `results`, with foreignPatch).
import type { Manifest } from '../catalog/manifest';
import type { MeasurePoint } from '../engine';
import { ResultsFileSchema } from './points';
import { refusal, resultProblems } from './plausibility';
import { samePoint } from './sweep';
import type { SliceCreator } from './types';

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

export interface ForeignSlice {
  foreign: ForeignResults[];
  /** Reads an exported JSON file and overlays its points; every problem is a message, and nothing else changes. */
  importResults(file: Blob & { name: string }): Promise<void>;
  removeForeign(source: string): void;
  /** Measures here every point of a foreign set, for an overlay of both devices. */
  compareHere(source: string): Promise<void>;
}

declare module './types' {
  interface PageState extends ForeignSlice {}
}

export const MAX_RESULTS_FILE_BYTES = 10 * 2 ** 20;

export const createForeignSlice: SliceCreator<ForeignSlice> = (set, get) => ({
  foreign: [],

  async importResults(file) {
    const say = (kind: 'error' | 'info', text: string) => set({ banner: { kind, text } });
    if (file.size > MAX_RESULTS_FILE_BYTES)
      return say('error', `${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MiB; results files are read up to ${MAX_RESULTS_FILE_BYTES / 2 ** 20} MiB. Nothing was imported.`);
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch (e) {
      return say('error', `${file.name} is not JSON (${(e as Error).message}). Nothing was imported.`);
    }
    const parsed = ResultsFileSchema.safeParse(json);
    if (!parsed.success)
      return say('error', `${file.name} is not a playground results file: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')}. Nothing was imported.`);
    const points = [...parsed.data.points, ...(parsed.data.foreign ?? []).flatMap((f) => f.points)];
    if (!points.length) return say('error', `${file.name} holds no results. Nothing was imported.`);
    const source = `from file ${file.name}`;
    const patch = foreignPatch(source, `The results in ${file.name}`, points, get());
    if ('refused' in patch) return say('error', patch.refused);
    set(patch);
    say('info', `${points.length} point${points.length === 1 ? '' : 's'} ${source}, drawn dotted next to this page's own: "Compare with this device" measures the same points here.`);
  },

  removeForeign: (source) => set((s) => ({ foreign: s.foreign.filter((f) => f.source !== source) })),

  compareHere(source) {
    const points = get().foreign.find((f) => f.source === source)?.points ?? [];
    const plan = points.filter((p, i) => points.findIndex((q) => samePoint(p, q)) === i);
    plan.sort((a, b) => a.modelId.localeCompare(b.modelId) || a.backend.localeCompare(b.backend) || a.contextLength - b.contextLength);
    return get().runSweep(plan.map(({ modelId, backend, contextLength, numLatents }) => ({ modelId, backend, contextLength, numLatents })));
  },
});
