// npm run models:eval:recall — recall at distance for the SHIPPED recall models (config.task 'recall'), in native
// onnxruntime-node, on probes of src/tasks (the page's generator; held-out Brown as the needle's filler): the same
// probes for every model. Accuracy = the fraction of probes whose every answer byte is the argmax (teacher forcing),
// with Wilson 95% intervals; null where a model cannot run (beyond config.maxContext) or where one forward is
// predicted to take longer than MAX_FORWARD_SECONDS (the note says which).
// Per-probe results are cached in results/recall-cache/<id>.json under the graph's sha256, so a rerun resumes.
// Writes evaluation.recall into models/eval/<id>.json and the model's manifest, and the tables in models/README.md.
//   npm run models:eval:recall [-- <id> ... | -- --tables]    RECALL_PROBES=n (default 50) probes per point;
//   RECALL_CELL_SECONDS (default 600) caps the time of one point (at least 10 probes); RECALL_MAX_FORWARD (60 s):
//   a point whose forward is predicted slower is not run; EVAL_THREADS=n ORT threads (default 1: training shares the CPU)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { openNodeModel, readIndex, readManifest, runLogits, type NodeModel } from './lib/nodeModel';
import { makeProbe, type Probe, type TaskName } from '../src/tasks';
import type { RecallEvaluation } from '../src/catalog/manifest';
import { argmax } from '../src/engine/sampling';
import { wilson } from './lib/intervals';

const COMMAND = 'npm run models:eval:recall';
const PROBES = Number(process.env.RECALL_PROBES ?? 50);
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

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Every answer byte the argmax of the row before it? (answers lie in the last 64 bytes: every model's rows cover
 * them, Perceiver AR's with 64 latents or more.) */
async function exact(m: NodeModel, p: Probe): Promise<boolean> {
  const V = m.manifest.config.vocabSize;
  const latents = m.manifest.io === 'latents' ? Math.max(64, m.manifest.config.attention.kind === 'latents' ? m.manifest.config.attention.latents : 64) : undefined;
  const { logits, start } = await runLogits(m, p.bytes, latents);
  for (const a of p.answers)
    for (let q = a.start; q < a.start + a.length; q++) {
      const row = q - 1 - start;
      if (row < 0) throw new Error(`${m.manifest.id}: no logits for position ${q - 1}`);
      if (argmax(logits.subarray(row * V, (row + 1) * V)) !== p.bytes[q]) return false;
    }
  return true;
}

class Cache {
  path: string;
  data: { sha256: string; probes: Record<string, number> };
  constructor(id: string, sha256: string) {
    mkdirSync(CACHE_DIR, { recursive: true });
    this.path = join(CACHE_DIR, `${id}.json`);
    const old = existsSync(this.path) ? JSON.parse(readFileSync(this.path, 'utf8')) : undefined;
    this.data = old?.sha256 === sha256 ? old : { sha256, probes: {}, seconds: {} };
  }
  save() {
    writeFileSync(this.path, JSON.stringify(this.data));
  }
}

/** One point: PROBES probes (cached ones reused); null where the model cannot or should not run. */
async function point(m: NodeModel, cache: Cache, task: TaskName, params: Record<string, number>, length: number, seed0: number, secondsAt: Map<number, number>): Promise<Cell> {
  const { maxContext } = m.manifest.config;
  if (length > maxContext) return { accuracy: null, note: `beyond its limit of ${maxContext.toLocaleString()} bytes` };
  // a forward predicted (from the longest shorter length run, x4 per doubling: quadratic at worst) too slow
  const known = [...secondsAt].filter(([n]) => n < length).sort((a, b) => b[0] - a[0])[0];
  if (known && known[1] * (length / known[0]) ** 2 > MAX_FORWARD_SECONDS && known[1] * (length / known[0]) > MAX_FORWARD_SECONDS)
    return { accuracy: null, note: `not run: a forward at ${known[0].toLocaleString()} bytes took ${known[1].toFixed(1)} s` };
  let right = 0;
  let n = 0;
  const t0 = performance.now();
  for (let i = 0; i < PROBES; i++) {
    if (n >= 10 && (performance.now() - t0) / 1000 > CELL_SECONDS) break;
    const seed = seed0 + i;
    const key = `${task}:${JSON.stringify(params)}:${seed}`;
    if (!(key in cache.data.probes)) {
      const probe = makeProbe(task, params, seed, task === 'needle' ? heldout : undefined);
      const t = performance.now();
      cache.data.probes[key] = (await exact(m, probe)) ? 1 : 0;
      const s = (performance.now() - t) / 1000;
      secondsAt.set(length, Math.max(s, secondsAt.get(length) ?? 0));
      if (i % 10 === 9) cache.save();
    }
    right += cache.data.probes[key];
    n++;
  }
  cache.save();
  const { lo, hi } = wilson(right, n);
  return { accuracy: round(right / n), lo: round(lo), hi: round(hi), n };
}

async function evaluate(id: string): Promise<RecallEvaluation> {
  const m = await openNodeModel(id, { threads: Number(process.env.EVAL_THREADS ?? 1), arena: false });
  const cache = new Cache(id, m.manifest.graph.sha256);
  const secondsAt = new Map<number, number>();
  const log = (what: string, c: Cell) => console.log(`${id} ${what}: ${c.accuracy ?? c.note} ${c.lo !== undefined ? `[${c.lo}, ${c.hi}] n=${c.n}` : ''}`);
  const curves: RecallEvaluation['curves'] = [];
  const byDistance = { task: 'mqar' as const, params: { ...MQAR }, axis: 'distance' as const, points: [] as (Cell & { x: number })[] };
  for (const [p, d] of DISTANCES.entries()) {
    const c = await point(m, cache, 'mqar', { ...MQAR, distance: d }, d, SEED + 1000 * p, secondsAt);
    byDistance.points.push({ x: d, ...c });
    log(`mqar distance ${d}`, c);
  }
  curves.push(byDistance);
  for (const [ci, { distance, pairs: counts }] of PAIRS.entries()) {
    const byPairs = { task: 'mqar' as const, params: { distance, queries: MQAR.queries }, axis: 'pairs' as const, points: [] as (Cell & { x: number })[] };
    for (const [p, pairs] of counts.entries()) {
      const c = await point(m, cache, 'mqar', { pairs, queries: MQAR.queries, distance }, distance, SEED + 100_000 * (1 + ci) + 1000 * p, secondsAt);
      byPairs.points.push({ x: pairs, ...c });
      log(`mqar distance ${distance} pairs ${pairs}`, c);
    }
    curves.push(byPairs);
  }
  const cells: NonNullable<RecallEvaluation['needle']>['cells'] = [];
  for (const [li, length] of LENGTHS.entries())
    for (const [di, depth] of DEPTHS.entries()) {
      const c = await point(m, cache, 'needle', { length, depth }, length, SEED + 500_000 + 10_000 * li + 1000 * di, secondsAt);
      cells.push({ depth, length, ...c });
      log(`needle length ${length} depth ${depth}`, c);
    }
  await m.session.release();
  return { command: COMMAND, probesPerPoint: PROBES, seed: SEED, curves, needle: { depths: DEPTHS, lengths: LENGTHS, cells } };
}

function write(id: string, recall: RecallEvaluation) {
  const m = readManifest(id);
  mkdirSync('models/eval', { recursive: true });
  const path = join('models/eval', `${id}.json`);
  const saved = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  const evaluation = { ...(saved?.sha256 === m.graph.sha256 ? saved.evaluation : { command: COMMAND }), recall };
  writeFileSync(path, JSON.stringify({ ...(saved ?? {}), sha256: m.graph.sha256, evaluation }, null, 1) + '\n');
  // into the manifest by the manifests' one writer (no graph is re-exported)
  execFileSync('/usr/bin/python3', ['models/export.py', '--manifests', '--only', id], { stdio: 'inherit' });
}

const fmt = (c: Cell) => (c.accuracy === null ? '—' : `${c.accuracy.toFixed(2)} [${c.lo!.toFixed(2)}, ${c.hi!.toFixed(2)}]${c.n !== PROBES ? ` (n=${c.n})` : ''}`);

function tables(all: { id: string; name: string; recall: RecallEvaluation }[]): string {
  const out = [
    `Produced by \`${COMMAND}\` from the shipped ONNX files (native onnxruntime-node, CPU), on probes of \`src/tasks\` that no model trained on (the same ${PROBES} probes per point for every model; seeds from ${SEED}). A cell is the fraction of probes whose every answer byte is the model's argmax (teacher forcing), with its Wilson 95% interval; — where the model cannot run at that length (beyond its limit) or was not run (a forward too slow); (n=k) where the time cap of one point stopped it before ${PROBES} probes. Chance for one 2-digit answer is 1/100.`,
    '',
  ];
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
  write(id, await evaluate(id));
  console.log(`${id}: ${((performance.now() - t) / 1000).toFixed(0)} s`);
}
const all = recallIds()
  .map((id) => ({ id, name: readManifest(id).displayName, recall: readManifest(id).evaluation?.recall }))
  .filter((r): r is { id: string; name: string; recall: RecallEvaluation } => r.recall !== undefined);
const readme = readFileSync('models/README.md', 'utf8');
if (readme.includes('<!-- RECALL TABLE -->')) {
  const [head, rest] = readme.split('<!-- RECALL TABLE -->');
  const tail = rest.split('<!-- /RECALL TABLE -->')[1] ?? '';
  writeFileSync('models/README.md', `${head}<!-- RECALL TABLE -->\n${tables(all)}\n<!-- /RECALL TABLE -->${tail}`);
  console.log('wrote models/eval/*.json, manifests, the recall tables in models/README.md');
}
