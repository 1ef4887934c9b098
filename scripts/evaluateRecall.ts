// npm run models:eval:recall — recall at distance for the SHIPPED recall models (config.task 'recall'), in native
// onnxruntime-node, on probes of src/tasks (the page's generator; held-out Brown as the needle's filler): the same
// probes for every model. Accuracy = the fraction of probes whose every answer byte is the argmax (teacher forcing),
// with Wilson 95% intervals; null where a model cannot run (beyond config.maxContext) or where one forward is
// predicted to take longer than MAX_FORWARD_SECONDS (the note says which).
// Per-probe results are cached in results/recall-cache/<id>.json under the graph's sha256, so a rerun resumes.
// Writes evaluation.recall into models/eval/<id>.json and the model's manifest, and the tables in models/README.md.
//   npm run models:eval:recall [-- <id> ... | -- --tables]    RECALL_PROBES=n (default 50) probes per point up to
//   1,024 bytes, fewer past it (PROBES_AT); RECALL_CELL_SECONDS (default 600) caps the time of one point (at least
//   MIN_PROBES probes); RECALL_MODEL_SECONDS (default: none) caps one model's evaluation: points run shortest first,
//   and those left when it is spent are not run (the note says so); RECALL_MAX_FORWARD (60 s): a point whose forward
//   is predicted slower is not run; EVAL_THREADS=n ORT threads (default 1: training shares the CPU).
// Also prints, and keeps in models/eval/<id>.json (recallPerQuery, not in the manifest), MQAR's per-query accuracy at
// 128 and 1,024 bytes (the decoders' and the Perceiver ARs' training lengths): Zoology reports accuracy per query.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { openNodeModel, readIndex, readManifest, runLogits, type NodeModel } from './lib/nodeModel';
import { makeProbe, type Probe, type TaskName } from '../src/tasks';
import { trainedLatents } from '../src/catalog/facts';
import type { RecallEvaluation } from '../src/catalog/manifest';
import { argmax } from '../src/engine/sampling';
import { wilson } from './lib/intervals';

const COMMAND = 'npm run models:eval:recall';
const PROBES = Number(process.env.RECALL_PROBES ?? 50);
// Fewer probes where one forward takes seconds to minutes on this CPU (the same first seeds for every model; cells
// with fewer say n=k): the Wilson interval says how much less they support.
// RECALL_PROBES_AT='{"262144": 10}' overrides a length's count (a later run that has the time extends the cells)
const PROBES_AT_ENV: Record<string, number> = JSON.parse(process.env.RECALL_PROBES_AT ?? '{}');
const PROBES_AT = (length: number) =>
  PROBES_AT_ENV[length] ?? (length <= 1024 ? PROBES : length <= 4096 ? Math.min(PROBES, 20) : length <= 65536 ? Math.min(PROBES, 10) : Math.min(PROBES, 5));
const MIN_PROBES = 5;
const MODEL_SECONDS = Number(process.env.RECALL_MODEL_SECONDS ?? Infinity);
const PER_QUERY_AT = [128, 1024]; // MQAR distance curve points whose per-query accuracy is kept
const SEED = 18_000; // probe i of point p of curve c: SEED + 100,000 c + 1,000 p + i, the same for every model
// 128: the decoders' training length; 512 Transformer-XL's; 1,024 the Perceiver ARs' and the Compressive Transformer's
const DISTANCES = [128, 256, 512, 1024, 4096, 16384, 65536, 262144];
const MQAR = { pairs: 8, queries: 4 }; // the distance curve
// the pairs curves: at the decoders' training length (13 pairs fill it) and at 1,024 bytes
const PAIRS = [
  { distance: 128, pairs: [1, 2, 4, 8, 13] },
  { distance: 1024, pairs: [1, 2, 4, 8, 16, 32, 64, 128] },
];
const DEPTHS = [0, 0.25, 0.5, 0.75, 1];
const LENGTHS = [1024, 4096, 16384, 65536, 262144];
const MAX_FORWARD_SECONDS = Number(process.env.RECALL_MAX_FORWARD ?? 60);
// A point stops adding probes after this many seconds (n then says how many ran; cached probes are kept, so a
// later run with more time extends it).
const CELL_SECONDS = Number(process.env.RECALL_CELL_SECONDS ?? 600);
const CACHE_DIR = 'results/recall-cache';
const heldout = new Uint8Array(readFileSync('public/data/heldout.txt'));

type Cell = { accuracy: number | null; lo?: number; hi?: number; n?: number; note?: string };
/** MQAR accuracy per query (answer) at one point of the distance curve: right of total answers over the probes. */
export type PerQuery = { distance: number; pairs: number; queries: number; probes: number; right: number; total: number; accuracy: number; lo: number; hi: number };

const round = (x: number) => Math.round(x * 1000) / 1000;

/** How many answers have every byte the argmax of the row before it (of how many)? (answers lie in the last 64
 * bytes: every model's rows cover them, Perceiver AR's with 64 latents or more.) */
async function score(m: NodeModel, p: Probe): Promise<[number, number]> {
  const V = m.manifest.config.vocabSize;
  const trained = trainedLatents(m.manifest);
  const latents = trained === undefined ? undefined : Math.max(64, trained);
  const { logits, start } = await runLogits(m, p.bytes, latents);
  let right = 0;
  for (const a of p.answers) {
    let ok = true;
    for (let q = a.start; q < a.start + a.length; q++) {
      const row = q - 1 - start;
      if (row < 0) throw new Error(`${m.manifest.id}: no logits for position ${q - 1}`);
      if (argmax(logits.subarray(row * V, (row + 1) * V)) !== p.bytes[q]) ok = false;
    }
    if (ok) right++;
  }
  return [right, p.answers.length];
}

class Cache {
  path: string;
  // probes: 1 where every answer was exact; answers: [right, total] answers (probes cached before it lack them)
  data: { sha256: string; probes: Record<string, number>; answers: Record<string, [number, number]> };
  constructor(id: string, sha256: string) {
    mkdirSync(CACHE_DIR, { recursive: true });
    this.path = join(CACHE_DIR, `${id}.json`);
    const old = existsSync(this.path) ? JSON.parse(readFileSync(this.path, 'utf8')) : undefined;
    this.data = old?.sha256 === sha256 ? { answers: {}, ...old } : { sha256, probes: {}, answers: {} };
  }
  save() {
    writeFileSync(this.path, JSON.stringify(this.data));
  }
}

/** One point: PROBES_AT(length) probes (cached ones reused); null where the model cannot or should not run. With
 * perQuery, every probe's answers are counted (probes cached without them rerun) and their sum comes back too. */
async function point(m: NodeModel, cache: Cache, task: TaskName, params: Record<string, number>, length: number, seed0: number, secondsAt: Map<number, number>, perQuery = false, cachedOnly = false): Promise<Cell & { answers?: [number, number] }> {
  const { maxContext } = m.manifest.config;
  if (length > maxContext) return { accuracy: null, note: `beyond its limit of ${maxContext.toLocaleString()} bytes` };
  // a forward predicted (from the longest shorter length run, x4 per doubling: quadratic at worst) too slow
  const known = [...secondsAt].filter(([n]) => n < length).sort((a, b) => b[0] - a[0])[0];
  if (known && known[1] * (length / known[0]) ** 2 > MAX_FORWARD_SECONDS && known[1] * (length / known[0]) > MAX_FORWARD_SECONDS)
    return { accuracy: null, note: `not run: a forward at ${known[0].toLocaleString()} bytes took ${known[1].toFixed(1)} s` };
  let right = 0;
  let n = 0;
  const answers: [number, number] = [0, 0];
  const t0 = performance.now();
  for (let i = 0; i < PROBES; i++) {
    const seed = seed0 + i;
    const key = `${task}:${JSON.stringify(params)}:${seed}`;
    // past PROBES_AT(length) or the time cap, only probes already cached (an earlier run had more time) are counted
    const more = !cachedOnly && i < PROBES_AT(length) && !(n >= MIN_PROBES && (performance.now() - t0) / 1000 > CELL_SECONDS);
    if (!more && !(key in cache.data.probes && (!perQuery || key in cache.data.answers))) break;
    if (!(key in cache.data.probes) || (perQuery && !(key in cache.data.answers))) {
      const probe = makeProbe(task, params, seed, task === 'needle' ? heldout : undefined);
      const t = performance.now();
      const [r, total] = await score(m, probe);
      cache.data.probes[key] = r === total ? 1 : 0;
      cache.data.answers[key] = [r, total];
      const s = (performance.now() - t) / 1000;
      secondsAt.set(length, s); // the latest: a session's first forward at a length is several times slower
      if (i % 10 === 9) cache.save();
    }
    right += cache.data.probes[key];
    if (perQuery) {
      answers[0] += cache.data.answers[key][0];
      answers[1] += cache.data.answers[key][1];
    }
    n++;
  }
  cache.save();
  if (n === 0) return { accuracy: null, note: "not run: the time this evaluation gives a model on this CPU (a few minutes; RECALL_MODEL_SECONDS) was spent" };
  const { lo, hi } = wilson(right, n);
  return { accuracy: round(right / n), lo: round(lo), hi: round(hi), n, ...(perQuery && { answers }) };
}

type Spec = { task: TaskName; params: Record<string, number>; length: number; seed0: number; perQuery?: boolean; done?: Cell };

async function evaluate(id: string): Promise<{ recall: RecallEvaluation; perQuery: PerQuery[] }> {
  const m = await openNodeModel(id, { threads: Number(process.env.EVAL_THREADS ?? 1), arena: false });
  const cache = new Cache(id, m.manifest.graph.sha256);
  const secondsAt = new Map<number, number>();
  const label = (s: Spec) => `${s.task} ${Object.entries(s.params).map(([k, v]) => `${k} ${v}`).join(' ')}`;
  const log = (s: Spec, c: Cell) => console.log(`${id} ${label(s)}: ${c.accuracy ?? c.note} ${c.lo !== undefined ? `[${c.lo}, ${c.hi}] n=${c.n}` : ''}`);
  // the same seeds as before (cached probes are reused): probe i of point p of curve c at SEED + 100,000 c + 1,000 p + i
  const distance = DISTANCES.map((d, p): Spec => ({ task: 'mqar', params: { ...MQAR, distance: d }, length: d, seed0: SEED + 1000 * p, perQuery: PER_QUERY_AT.includes(d) }));
  const pairs = PAIRS.map(({ distance: d, pairs: counts }, ci) => counts.map((n, p): Spec => ({ task: 'mqar', params: { pairs: n, queries: MQAR.queries, distance: d }, length: d, seed0: SEED + 100_000 * (1 + ci) + 1000 * p })));
  const needle = LENGTHS.map((length, li) => DEPTHS.map((depth, di): Spec => ({ task: 'needle', params: { length, depth }, length, seed0: SEED + 500_000 + 10_000 * li + 1000 * di })));
  // shortest first: when the model's time budget runs out, the long points are the ones left out
  const all = [...distance, ...pairs.flat(), ...needle.flat()];
  const t0 = performance.now();
  const perQuery: PerQuery[] = [];
  for (const s of [...all].sort((a, b) => a.length - b.length)) {
    const spent = (performance.now() - t0) / 1000;
    // once the budget is spent, a point holds only the probes cached by earlier runs (none: not run)
    const c = await point(m, cache, s.task, s.params, s.length, s.seed0, secondsAt, s.perQuery, spent > MODEL_SECONDS);
    if ('answers' in c && c.answers) {
      const [right, total] = c.answers;
      const { lo, hi } = wilson(right, total);
      perQuery.push({ distance: s.length, pairs: MQAR.pairs, queries: MQAR.queries, probes: c.n!, right, total, accuracy: round(right / total), lo: round(lo), hi: round(hi) });
      console.log(`${id} mqar distance ${s.length} PER QUERY: ${right}/${total} = ${round(right / total)} [${round(lo)}, ${round(hi)}] (per probe ${c.accuracy}, n=${c.n})`);
      delete c.answers;
    }
    s.done = c;
    log(s, c);
  }
  await m.session.release();
  const curves: RecallEvaluation['curves'] = [
    { task: 'mqar', params: { ...MQAR }, axis: 'distance', points: distance.map((s) => ({ x: s.length, ...s.done! })) },
    ...PAIRS.map(({ distance: d, pairs: counts }, ci) => ({ task: 'mqar' as const, params: { distance: d, queries: MQAR.queries }, axis: 'pairs' as const, points: pairs[ci].map((s, p) => ({ x: counts[p], ...s.done! })) })),
  ];
  const cells = needle.flat().map((s) => ({ depth: s.params.depth, length: s.params.length, ...s.done! }));
  return { recall: { command: COMMAND, probesPerPoint: PROBES, seed: SEED, curves, needle: { depths: DEPTHS, lengths: LENGTHS, cells } }, perQuery };
}

function write(id: string, recall: RecallEvaluation, perQuery: PerQuery[]) {
  const m = readManifest(id);
  mkdirSync('models/eval', { recursive: true });
  const path = join('models/eval', `${id}.json`);
  const saved = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  const evaluation = { ...(saved?.sha256 === m.graph.sha256 ? saved.evaluation : { command: COMMAND }), recall };
  writeFileSync(path, JSON.stringify({ ...(saved ?? {}), sha256: m.graph.sha256, evaluation, recallPerQuery: perQuery }, null, 1) + '\n');
  // into the manifest by the manifests' one writer (no graph is re-exported)
  execFileSync('/usr/bin/python3', ['models/export.py', '--manifests', '--only', id], { stdio: 'inherit' });
}

const fmt = (c: Cell) => (c.accuracy === null ? '—' : `${c.accuracy.toFixed(2)} [${c.lo!.toFixed(2)}, ${c.hi!.toFixed(2)}]${c.n !== PROBES ? ` (n=${c.n})` : ''}`);

function tables(all: { id: string; name: string; recall: RecallEvaluation; perQuery?: PerQuery[] }[]): string {
  const out = [
    `Produced by \`${COMMAND}\` from the shipped ONNX files (native onnxruntime-node, CPU), on probes of \`src/tasks\` that no model trained on (the same probes for every model, seeds from ${SEED}: ${PROBES} a point up to 1,024 bytes, the first ${PROBES_AT(4096)} at 4,096, ${PROBES_AT(16384)} at 16,384 and 65,536, ${PROBES_AT(262144)} at 262,144, where one forward takes seconds to minutes on this CPU). A cell is the fraction of probes whose every answer byte is the model's argmax (teacher forcing), with its Wilson 95% interval; — where the model cannot run at that length (beyond its limit) or was not run (a forward predicted too slow, or the model's time budget spent: the manifest's note says which); (n=k) says how many probes the cell holds when it is not ${PROBES}. Chance for one 2-digit answer is 1/100.`,
    '',
  ];
  out.push(`**MQAR per query and per probe** (${MQAR.pairs} pairs, ${MQAR.queries} queries; 128 bytes is the decoders' training length, 1,024 the Perceiver ARs' and the Compressive Transformer's crops are 1,024 and 256; Zoology reports accuracy per query; per probe = all ${MQAR.queries} answers right):`, '');
  out.push('| model | per query at 128 | per probe at 128 | per query at 1,024 | per probe at 1,024 |', '|---|---|---|---|---|');
  const q = (p?: PerQuery) => (p ? `${p.accuracy.toFixed(3)} [${p.lo.toFixed(3)}, ${p.hi.toFixed(3)}] (${p.right}/${p.total})` : '—');
  const probe = (r: { recall: RecallEvaluation }, x: number) => fmt(r.recall.curves.find((c) => c.axis === 'distance')!.points.find((p) => p.x === x)!);
  for (const r of all) out.push(`| ${r.name} | ${q(r.perQuery?.find((p) => p.distance === 128))} | ${probe(r, 128)} | ${q(r.perQuery?.find((p) => p.distance === 1024))} | ${probe(r, 1024)} |`);
  out.push('');
  const curve = (axis: string) => all.map((r) => ({ r, c: r.recall.curves.find((c) => c.axis === axis)! }));
  const d = curve('distance');
  out.push(`**MQAR against distance** (${MQAR.pairs} pairs, ${MQAR.queries} of them asked at the end; distance = bytes from the first pair to the end of the probe):`, '');
  out.push(`| model | ${DISTANCES.map((x) => x.toLocaleString('en-US')).join(' | ')} |`, `|---|${DISTANCES.map(() => '---').join('|')}|`);
  for (const { r, c } of d) out.push(`| ${r.name} | ${c.points.map(fmt).join(' | ')} |`);
  for (const { distance, pairs } of PAIRS) {
    out.push('', `**MQAR against the number of pairs** (distance ${distance}, ${MQAR.queries} queries, fewer when there are fewer pairs):`, '');
    out.push(`| model | ${pairs.join(' | ')} |`, `|---|${pairs.map(() => '---').join('|')}|`);
    for (const r of all) {
      const c = r.recall.curves.find((c) => c.axis === 'pairs' && c.params.distance === distance);
      if (c) out.push(`| ${r.name} | ${c.points.map(fmt).join(' | ')} |`);
    }
  }
  out.push('', `**Longest needle distance retrieved with accuracy >= 0.9** (bytes from the planted value to the question: length - 5 - round(depth x (length - 11)); the cells of the tables below):`, '');
  out.push('| model | distance | in a context of | accuracy |', '|---|---|---|---|');
  for (const r of all) {
    const best = r.recall.needle!.cells
      .filter((c) => c.accuracy !== null && c.accuracy >= 0.9)
      .map((c) => ({ c, d: c.length - 5 - Math.floor(c.depth * (c.length - 11) + 0.5) }))
      .sort((a, b) => b.d - a.d)[0];
    out.push(best ? `| ${r.name} | ${best.d.toLocaleString('en-US')} | ${best.c.length.toLocaleString('en-US')} | ${fmt(best.c)} |` : `| ${r.name} | none | | |`);
  }
  out.push('', `**Needle** (" AB12 " planted at a depth of held-out Brown, asked at the end), accuracy by length (rows) and depth (columns: 0 = the first byte, 1 = just before the question), one table per model where it ran anywhere:`, '');
  for (const r of all) {
    const n = r.recall.needle!;
    if (n.cells.every((c) => c.accuracy === null)) continue;
    out.push(`*${r.name}*`, '', `| length | ${n.depths.join(' | ')} |`, `|---|${n.depths.map(() => '---').join('|')}|`);
    for (const length of n.lengths) out.push(`| ${length.toLocaleString('en-US')} | ${n.depths.map((depth) => fmt(n.cells.find((c) => c.depth === depth && c.length === length)!)).join(' | ')} |`);
    out.push('');
  }
  return out.join('\n');
}

const argv = process.argv.slice(2);
const recallIds = () => readIndex().filter((id) => readManifest(id).config.task === 'recall');
const ids = argv[0] === '--tables' ? [] : argv.length ? argv : recallIds();
for (const id of ids) {
  const t = performance.now();
  const { recall, perQuery } = await evaluate(id);
  write(id, recall, perQuery);
  console.log(`${id}: ${((performance.now() - t) / 1000).toFixed(0)} s`);
}
const perQueryOf = (id: string): PerQuery[] | undefined => {
  const path = join('models/eval', `${id}.json`);
  const saved = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  return saved?.sha256 === readManifest(id).graph.sha256 ? saved.recallPerQuery : undefined;
};
const all = recallIds()
  .map((id) => ({ id, name: readManifest(id).displayName, recall: readManifest(id).evaluation?.recall, perQuery: perQueryOf(id) }))
  .filter((r): r is { id: string; name: string; recall: RecallEvaluation; perQuery: PerQuery[] | undefined } => r.recall !== undefined);
const readme = readFileSync('models/README.md', 'utf8');
if (readme.includes('<!-- RECALL TABLE -->')) {
  const [head, rest] = readme.split('<!-- RECALL TABLE -->');
  const tail = rest.split('<!-- /RECALL TABLE -->')[1] ?? '';
  writeFileSync('models/README.md', `${head}<!-- RECALL TABLE -->\n${tables(all)}\n<!-- /RECALL TABLE -->${tail}`);
  console.log('wrote models/eval/*.json, manifests, the recall tables in models/README.md');
}
