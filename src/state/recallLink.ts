// Recall results as a link carries them ("results in link"): what each model predicted for each probe, never its
// accuracy. Whoever opens the link makes the probes again from their seeds (src/tasks), checks that the results are
// ones this page could have measured and scores them here; one implausible cell refuses them all, in words.
import { z } from 'zod';
import type { Manifest } from '../catalog/manifest';
import { EngineError, recallPlan } from '../engine';
import { makeProbe, type Probe, type TaskName } from '../tasks';
import { MAX_PROBES } from '../tasks/evaluation';
import { Backend, FAILURE_KINDS, ModelId } from './points';
import { MIN_RUN_MS } from './plausibility';
import { scoreProbe, type RecallCell } from './recallData';

export const MAX_SHARED_RECALL_PROBES = 4000;
const Num = z.number().nonnegative();

export const RecallCellSchema = z.object({
  model: ModelId,
  backend: Backend,
  task: z.enum(['mqar', 'needle', 'mirrored-copy']),
  params: z.record(z.string().max(20), z.number()),
  x: z.number(),
  planned: z.number().int().min(0).max(MAX_PROBES),
  mode: z.enum(['forward', 'decode']).optional(),
  numLatents: z.number().int().positive().optional(),
  probes: z.array(z.object({ seed: z.number().int().nonnegative(), predicted: z.array(z.number().int().min(0).max(255)).max(64), ms: Num })).max(MAX_PROBES),
  failure: z.object({ kind: z.enum(FAILURE_KINDS), message: z.string().max(1000) }).optional(),
  stopped: z.string().max(300).optional(),
  measuredAt: z.iso.datetime(),
});
export type LinkCell = z.infer<typeof RecallCellSchema>;

/** This page's finished cells (and those it has from a link) as a link carries them, at most MAX_SHARED_RECALL_PROBES probes. */
export function linkCells(cells: RecallCell[]): LinkCell[] | undefined {
  const out: LinkCell[] = [];
  let probes = 0;
  for (const c of cells) {
    if (c.running || probes + c.probes.length > MAX_SHARED_RECALL_PROBES) continue;
    probes += c.probes.length;
    out.push({
      model: c.modelId, backend: c.backend, task: c.task, params: c.params, x: c.x, planned: c.planned, mode: c.mode, numLatents: c.numLatents,
      probes: c.probes.map((p) => ({ seed: p.seed, predicted: p.predicted, ms: p.ms })), failure: c.failure, stopped: c.stopped, measuredAt: c.measuredAt,
    });
  }
  return out.length ? out : undefined;
}

const lengthOf = (task: TaskName, params: Record<string, number>) => (task === 'mqar' ? (params.length ?? params.distance) : params.length);

/** What is wrong with one cell from elsewhere, in words ([] when it is plausible), and its probes made again. */
function checkCell(c: LinkCell, m: Manifest | undefined, filler: Uint8Array | undefined): { problems: string[]; probes: Probe[] } {
  if (!m) return { problems: ['this page has no such model'], probes: [] };
  const out: string[] = [];
  const length = lengthOf(c.task, c.params);
  if (![c.params.distance, c.params.pairs, c.params.length].includes(c.x)) out.push(`x = ${c.x} is none of its parameters`);
  if (c.probes.length > c.planned) out.push(`${c.probes.length} probes of ${c.planned} planned`);
  if (new Set(c.probes.map((p) => p.seed)).size !== c.probes.length) out.push('a probe seed repeats');
  if (c.probes.some((p) => p.ms < MIN_RUN_MS || p.ms > 86_400_000)) out.push(`a probe read in under ${MIN_RUN_MS * 1000} µs or over a day`);
  if (c.probes.length) {
    const plan = recallPlan(m, length);
    if (plan instanceof EngineError) out.push(`the model cannot read a ${length}-byte probe (${plan.message})`);
    else if (plan.mode !== c.mode) out.push(`a ${length}-byte probe is read by ${plan.mode === 'forward' ? 'one forward' : 'cached decoding'}, not ${c.mode ?? 'nothing'}`);
  }
  let probes: Probe[] = [];
  try {
    probes = c.probes.map((p) => makeProbe(c.task, c.params, p.seed, filler));
  } catch (e) {
    return { problems: [...out, `its probes cannot be made (${(e as Error).message})`], probes };
  }
  const bad = probes.findIndex((p, i) => p.answers.reduce((a, s) => a + s.length, 0) !== c.probes[i].predicted.length);
  if (bad >= 0) out.push(`probe ${c.probes[bad].seed} has ${c.probes[bad].predicted.length} predicted bytes for ${probes[bad].answers.reduce((a, s) => a + s.length, 0)} answer bytes`);
  return { problems: out, probes };
}

/** The cells of a link, checked and scored here; or why they were refused. */
export function cellsFromLink(link: LinkCell[], manifests: Manifest[], source: string, filler: Uint8Array | undefined): { cells: RecallCell[] } | { refused: string } {
  const byId = new Map(manifests.map((m) => [m.id, m]));
  const checked = link.map((c) => checkCell(c, byId.get(c.model), filler));
  const problems = link.flatMap((c, i) => checked[i].problems.map((x) => `${c.model} at ${c.task} x = ${c.x}: ${x}`));
  if (problems.length) {
    const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
    return { refused: `This link's recall results were refused, so none of them is drawn: ${problems.slice(0, 3).join('; ')}${more}.` };
  }
  const cells = link.map((c, i): RecallCell => ({
    source, modelId: c.model, backend: c.backend, task: c.task, params: c.params, x: c.x, length: lengthOf(c.task, c.params), planned: c.planned,
    mode: c.mode, numLatents: c.numLatents, stopped: c.stopped, measuredAt: c.measuredAt,
    failure: c.failure,
    probes: c.probes.map((p, j) => scoreProbe(checked[i].probes[j], p.predicted, p.ms)),
  }));
  return { cells };
}
