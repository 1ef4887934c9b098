// Results measured elsewhere: from a link or an imported JSON file. Kept apart from this page's points, checked
// for plausibility before they are drawn, labelled by where they came from and the device that measured them;
// "Compare with this device" measures the same points here.
import type { MeasurePoint } from '../engine';
import { foreignPatch, type ForeignResults } from './foreignPatches';
import { ResultsFileSchema } from './pointSchema';
import { get, set } from './store';
import { runSweep, samePoint } from './sweep';

export interface ForeignSlice {
  foreign: ForeignResults[];
}

export function foreignInitial(): ForeignSlice {
  return { foreign: [] };
}

export const MAX_RESULTS_FILE_BYTES = 10 * 2 ** 20;

/** Reads an exported JSON file and overlays its points; every problem is a message, and nothing else changes. */
export async function importResults(file: Blob & { name: string }) {
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
  const points = [...parsed.data.points, ...(parsed.data.foreign ?? []).flatMap((f) => f.points)] as MeasurePoint[];
  if (!points.length) return say('error', `${file.name} holds no results. Nothing was imported.`);
  const source = `from file ${file.name}`;
  const patch = foreignPatch(source, `The results in ${file.name}`, points, get());
  if ('refused' in patch) return say('error', patch.refused);
  set(patch);
  say('info', `${points.length} point${points.length === 1 ? '' : 's'} ${source}, drawn dotted next to this page's own: "Compare with this device" measures the same points here.`);
}

export const removeForeign = (source: string) => set((s) => ({ foreign: s.foreign.filter((f) => f.source !== source) }));

/** Measures here every point of a foreign set, for an overlay of both devices. */
export function compareHere(source: string) {
  const points = get().foreign.find((f) => f.source === source)?.points ?? [];
  const plan = points.filter((p, i) => points.findIndex((q) => samePoint(p, q)) === i);
  plan.sort((a, b) => a.modelId.localeCompare(b.modelId) || a.backend.localeCompare(b.backend) || a.contextLength - b.contextLength);
  return runSweep(plan.map(({ modelId, backend, contextLength, numLatents }) => ({ modelId, backend, contextLength, numLatents })));
}
