// The recall panel's data, pure (no store, no engine calls): its settings (shared in links), the points and probes a
// run makes from them (src/tasks, seeded as the offline evaluation seeds them), the results of one model at one
// point (a cell), scored here from the answer bytes the model predicted, and their summaries with Wilson intervals.
import { z } from 'zod';
import type { BackendName, EngineFailure, MemoryReading, TopByte } from '../engine';
import { answerBytes, makeProbe, scoreAnswer, type Probe, type TaskName } from '../tasks';
import { MAX_POINTS, MAX_PROBES, probeSeed, wilson, type Curve } from '../tasks/evaluation';
import { mqarMinDistance, mqarQueries, MAX_QUERIES, KEYS } from '../tasks/mqar';

const Len = z.number().int().min(1).max(1 << 20);
const list = <T extends z.ZodType>(t: T, max: number) => z.array(t).min(1).max(max);

export const RecallSettingsSchema = z.object({
  task: z.enum(['mqar', 'needle', 'mirrored-copy']),
  probes: z.number().int().min(0).max(MAX_PROBES), // 0 is refused when run, in words
  seed: z.number().int().min(0).max(2 ** 32 - 1 - 400_000),
  mqar: z.object({
    axis: z.enum(['distance', 'pairs']),
    distances: list(Len, 16), // the distance axis, at `pairs` pairs
    pairs: z.number().int().min(1).max(KEYS),
    pairsList: list(z.number().int().min(1).max(KEYS), 16), // the pairs axis, at `distance`
    distance: Len,
    queries: z.number().int().min(1).max(MAX_QUERIES),
  }),
  needle: z.object({ lengths: list(Len, 10), depths: list(z.number().min(0).max(1), 10) }),
  mirrored: z.object({ lengths: list(Len, 16) }),
});
export type RecallSettings = z.infer<typeof RecallSettingsSchema>;

// The offline evaluation's lists (scripts/evaluateRecall.ts), cut short: a prefix keeps its probes (the same seeds).
export const RECALL_DEFAULTS: RecallSettings = {
  task: 'mqar',
  probes: 20,
  seed: 18_000,
  mqar: { axis: 'distance', distances: [256, 1024, 4096], pairs: 8, pairsList: [1, 2, 4, 8, 16, 32], distance: 256, queries: 4 },
  needle: { lengths: [1024, 4096, 16384], depths: [0, 0.25, 0.5, 0.75, 1] },
  mirrored: { lengths: [256, 1024, 4096] },
};

/** The trade-off chart's axes (tradeoff.ts): x = ms per forward or decode ms per byte, y = recall accuracy or bits per byte. */
export const TradeoffSchema = z.object({ speed: z.enum(['forward', 'decode']), quality: z.enum(['recall', 'bpb']) });
export type TradeoffSettings = z.infer<typeof TradeoffSchema>;
export const TRADEOFF_DEFAULTS: TradeoffSettings = { speed: 'forward', quality: 'recall' };

export const TASK_NAMES: Record<TaskName, string> = { mqar: 'MQAR', needle: 'needle', 'mirrored-copy': 'mirrored copy' };

/** One point of a run: the task's parameters there, its x, the probes' length, the seeds' curve and index. */
export interface RecallPoint {
  task: TaskName;
  params: Record<string, number>;
  x: number; // distance, pairs or length
  length: number; // bytes of each probe
  curve: Curve;
  index: number;
}

/** The x axis of the current settings' curve. */
export const axisOf = (s: RecallSettings): 'distance' | 'pairs' | 'length' => (s.task === 'mqar' ? s.mqar.axis : 'length');

/** The points the settings ask for, in the order a run measures them. */
export function recallPoints(s: RecallSettings): RecallPoint[] {
  const { mqar, needle, mirrored } = s;
  if (s.task === 'mqar' && mqar.axis === 'distance')
    return mqar.distances.map((d, index) => ({ task: 'mqar', params: { pairs: mqar.pairs, queries: mqar.queries, distance: d }, x: d, length: d, curve: 'mqar-distance', index }));
  if (s.task === 'mqar')
    return mqar.pairsList.map((pairs, index) => ({ task: 'mqar', params: { pairs, queries: mqar.queries, distance: mqar.distance }, x: pairs, length: mqar.distance, curve: 'mqar-pairs', index }));
  if (s.task === 'needle')
    return needle.lengths.flatMap((length, li) =>
      needle.depths.map((depth, di): RecallPoint => ({ task: 'needle', params: { length, depth }, x: length, length, curve: 'needle', index: 10 * li + di })),
    );
  return mirrored.lengths.map((length, index) => ({ task: 'mirrored-copy', params: { length }, x: length, length, curve: 'mirrored-copy', index }));
}

/** The point at probe length n of the current task's length curve (MQAR: by distance), for the trade-off chart. */
export function lengthCurve(s: RecallSettings): { lengths: number[]; key: 'distances' | 'lengths'; matches: (c: RecallCell) => boolean } {
  if (s.task === 'mqar')
    return { lengths: s.mqar.distances, key: 'distances', matches: (c) => c.task === 'mqar' && c.params.pairs === s.mqar.pairs && c.params.queries === s.mqar.queries && c.params.distance === c.length };
  if (s.task === 'needle') return { lengths: s.needle.lengths, key: 'lengths', matches: (c) => c.task === 'needle' };
  return { lengths: s.mirrored.lengths, key: 'lengths', matches: (c) => c.task === 'mirrored-copy' };
}

/** What is wrong with the settings, in words; undefined when a run can start. */
export function settingsProblem(s: RecallSettings): string | undefined {
  if (!(Number.isInteger(s.probes) && s.probes >= 1 && s.probes <= MAX_PROBES))
    return `The number of probes per point must be a whole number from 1 to ${MAX_PROBES.toLocaleString('en-US')}, not ${s.probes}: nothing was run.`;
  const parsed = RecallSettingsSchema.safeParse(s);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return `The recall settings are not valid (${i.path.join(' ')}: ${i.message}): nothing was run.`;
  }
  for (const p of recallPoints(s)) {
    if (p.index >= MAX_POINTS) return `At most ${MAX_POINTS} points: nothing was run.`;
    if (p.task === 'mqar') {
      const q = mqarQueries(p.params);
      const min = mqarMinDistance(p.params.pairs, q);
      if (p.params.distance < min)
        return `MQAR with ${p.params.pairs} pairs and ${q} queries needs a distance of at least ${min} bytes (${p.params.distance} asked): nothing was run.`;
    }
    if (p.task === 'needle' && p.length < 16) return `A needle probe needs at least 16 bytes (${p.length} asked): nothing was run.`;
    if (p.task === 'mirrored-copy' && (p.length % 2 || p.length < 32)) return `A mirrored-copy probe needs an even length of at least 32 bytes (${p.length} asked): nothing was run.`;
  }
  return undefined;
}

/** The probes of a point (the same for every model): seeds as the offline evaluation lays them out. */
export function probesOf(p: RecallPoint, s: Pick<RecallSettings, 'probes' | 'seed'>, filler?: Uint8Array): Probe[] {
  return Array.from({ length: s.probes }, (_, i) => makeProbe(p.task, p.params, probeSeed(s.seed, p.curve, p.index, i), filler));
}

/** One probe as a model read it: its answer bytes' top predictions, scored against the expected bytes. */
export interface ProbeResult {
  seed: number;
  expected: number[]; // the answer bytes, every answer in order
  predicted: number[]; // the model's top prediction for each (teacher forcing)
  top?: TopByte[][]; // its most likely bytes for each (absent in results from a link)
  exact: boolean; // every answer byte right
  bytesRight: number;
  ms: number;
}

export const THIS_PAGE = 'this page';

/** One model at one point: its probes (fewer than planned when stopped or failed), or why it did not run. */
export interface RecallCell {
  source: string; // THIS_PAGE, or where the results came from ("from a link")
  modelId: string;
  backend: BackendName;
  task: TaskName;
  params: Record<string, number>;
  x: number;
  length: number;
  planned: number; // probes asked for
  mode?: 'forward' | 'decode';
  numLatents?: number;
  probes: ProbeResult[];
  running?: boolean;
  failure?: EngineFailure; // it cannot run here, or failed (the probes before the failure are kept)
  stopped?: string;
  memory?: MemoryReading;
  measuredAt: string;
}

/** The same model, source and point: a new run replaces the cell. */
export const sameCell = (a: RecallCell, b: Pick<RecallCell, 'source' | 'modelId' | 'backend' | 'task' | 'params'>) =>
  a.source === b.source && a.modelId === b.modelId && a.backend === b.backend && a.task === b.task && sameParams(a.params, b.params);
export const sameParams = (a: Record<string, number>, b: Record<string, number>) =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k]);

/** Scores the predicted bytes of a probe: exact when every answer (each span) is right. */
export function scoreProbe(p: Probe, predicted: ArrayLike<number>, ms: number, top?: TopByte[][]): ProbeResult {
  const expected = answerBytes(p);
  let at = 0;
  let exact = true;
  let bytesRight = 0;
  for (const e of expected) {
    const s = scoreAnswer(e, Uint8Array.from(Array.prototype.slice.call(predicted, at, at + e.length) as number[]));
    exact &&= s.exact;
    bytesRight += s.bytesRight;
    at += e.length;
  }
  return { seed: p.seed, expected: expected.flatMap((e) => Array.from(e)), predicted: Array.from(predicted), top, exact: exact && at === predicted.length, bytesRight, ms };
}

export interface Summary {
  n: number;
  right: number;
  accuracy: number | null; // null: no probe read
  lo?: number;
  hi?: number;
  medianMs?: number;
}

/** Accuracy (the fraction of exact probes) with its Wilson 95% interval, over the probes of one or more cells. */
export function summarize(cells: RecallCell[]): Summary {
  const probes = cells.flatMap((c) => c.probes);
  const n = probes.length;
  const right = probes.filter((p) => p.exact).length;
  if (!n) return { n, right, accuracy: null };
  const ms = probes.map((p) => p.ms).sort((a, b) => a - b);
  return { n, right, accuracy: right / n, ...wilson(right, n), medianMs: ms[Math.floor((n - 1) / 2)] };
}

/** A parameter set in words: "8 pairs, 4 queries", "depth 0.25". */
export function paramsText(params: Record<string, number>, leave: string[] = []): string {
  const words: Record<string, (v: number) => string> = {
    pairs: (v) => `${v} pair${v === 1 ? '' : 's'}`,
    queries: (v) => `${v} quer${v === 1 ? 'y' : 'ies'}`,
    distance: (v) => `distance ${v.toLocaleString('en-US')}`,
    length: (v) => `${v.toLocaleString('en-US')} bytes`,
    depth: (v) => `depth ${v}`,
    answerBytes: (v) => `${v} answer bytes`,
  };
  const shown = Object.keys(params).filter((k) => !leave.includes(k));
  return shown.map((k) => (words[k] ?? ((v: number) => `${k} ${v}`))(params[k])).join(', ');
}
