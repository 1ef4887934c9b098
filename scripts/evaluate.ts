// npm run models:eval — evaluates the SHIPPED graphs (public/models/<id>/) in native onnxruntime-node, with 95%
// intervals: bits per byte on two held-out texts by context length (as the page runs them, and, past a model's
// training crop, with a sliding window of that crop; Transformer-XL also with a longer memory), copy accuracy by
// distance, and the paper's mirrored copy task for the model trained on it. Every model is scored on the same
// windows and sequences, so differences are paired.
// Per-window values are cached in results/eval-cache/<id>.json under the graph's sha256: a rerun resumes, and more
// windows extend what is there. Writes models/eval/<id>.json (summary and per-window values, tied to the sha256),
// the tables in models/README.md and models/plots/eval.png; each manifest's `evaluation` is written by the manifests'
// one writer, models/export.py (--manifests: from the graphs already exported), which takes eval/<id>.json when its
// sha256 is the graph's.
//   npm run models:eval [-- <id> ... | -- --tables]     EVAL_CELL_SECONDS=60 caps the time of one model x text x context cell;
//                                         EVAL_THREADS=N: ORT intra-op threads (default: one per core)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { openNodeModel, readIndex, readManifest, runLogits, type NodeModel } from './lib/nodeModel';
import { mirroredPrefix, tailAccuracy } from './lib/copyScore';
import { meanInterval, pairedInterval, type Interval } from './lib/intervals';
import { logSoftmax } from '../src/engine/surprisal';
import { MIRROR_LENGTH, copyText, mirrorText, rng } from '../src/state/presets';

const COMMAND = 'npm run models:eval';
const CONTEXTS = [256, 512, 1024, 2048, 4096, 8192, 16384];
const SCORED = 255; // the last 255 bytes of each window are scored (256 logit rows: Perceiver AR's trained M)
const SLIDE = 64; // sliding window: each block of 64 scored bytes is predicted from the W bytes that end with it
const TEXTS = [
  // windows per context (same index as CONTEXTS): hundreds up to 4,096, fewer beyond, where decoders are slow
  { key: 'brown', label: 'Brown (held out)', file: 'public/data/heldout.txt', windows: [400, 400, 400, 300, 200, 50, 30] },
  { key: 'jargon', label: 'Jargon File', file: 'public/data/jargon.txt', windows: [200, 200, 200, 150, 100, 25, 15] },
];
const COPY_DISTANCES = [64, 256, 1024, 4096, 8192, 16384, 32768];
const COPY_SEQUENCES = 20; // different random strings at every distance
const COPY_SCORED = 64;
const MIRROR_DISTANCES = [64, 256, 1024, 4096, 16384, 32768, 49152, MIRROR_LENGTH - 1];
const XL_MEMORY = 2048; // Transformer-XL trained with 256 rows; evaluated also with 8x, as the paper reads longer at test
const REFERENCE = 'perceiver-ar-compare'; // paired differences are taken against it (and the crop-matched one)
const MATCHED = 'perceiver-ar-512-crop';
// One text cell (model x text x variant x context) stops adding windows after this many seconds; a cell whose unit
// is predicted (from the context below, x4 as for quadratic attention) to take longer than MAX_FORWARD is not run.
const CELL_SECONDS = Number(process.env.EVAL_CELL_SECONDS ?? 60);
const MAX_FORWARD_SECONDS = 30;
const CACHE_DIR = 'results/eval-cache';

type Point = { context: number; bpb: number | null; lo?: number; hi?: number; n?: number; note?: string };
type Acc = { distance: number; perByte: number | null; lo?: number; hi?: number; exact: number | null; n?: number; note?: string };
type Row = { variant: string; label: string; points: Point[] };
type Evaluation = {
  command: string;
  heldOutBitsPerByte: Point[]; // Brown, as the page runs the model (kept for the model details in the page)
  copyAccuracy: Acc[];
  mirroredCopyAccuracy?: Acc[];
  texts?: { text: string; label: string; rows: Row[] }[];
};
type Saved = { sha256: string; evaluation: Evaluation; windows: Record<string, number[]> };

const texts = TEXTS.map((t) => ({ ...t, bytes: new Uint8Array(readFileSync(t.file)) }));
/** Window ends, evenly spaced after the longest context, in a seeded random order: a cell of k windows takes the
 * first k, so smaller samples are spread over the whole text and every model gets the same windows. */
function windowEnds(length: number, count: number): number[] {
  const first = CONTEXTS[CONTEXTS.length - 1];
  const ends = Array.from({ length: count }, (_, i) => first + Math.floor(((i + 0.5) * (length - first)) / count));
  const r = rng(13);
  for (let i = ends.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [ends[i], ends[j]] = [ends[j], ends[i]];
  }
  return ends;
}
const ends = Object.fromEntries(texts.map((t) => [t.key, windowEnds(t.bytes.length, Math.max(...t.windows))]));

/** Bits per byte of the bytes at window offsets [from, window.length), each predicted by the row before it. */
async function bits(m: NodeModel, window: Uint8Array, from: number, memoryLength?: number) {
  const V = m.manifest.config.vocabSize;
  const { logits, start } = await runLogits(m, window, undefined, memoryLength);
  let sum = 0;
  for (let o = from; o < window.length; o++) {
    const r = o - 1 - start;
    if (r < 0) throw new Error(`offset ${o} has no logit row (start ${start})`);
    sum -= logSoftmax(logits.subarray(r * V, (r + 1) * V))[window[o]] / Math.LN2;
  }
  return { sum, count: window.length - from };
}

/** The cache: per-unit values of every cell, under the graph's sha256. */
function cacheOf(id: string, sha256: string) {
  const path = join(CACHE_DIR, `${id}.json`);
  let cells: Record<string, number[]> = {};
  if (existsSync(path)) {
    const c = JSON.parse(readFileSync(path, 'utf8'));
    if (c.sha256 === sha256) cells = c.cells;
  }
  const save = () => {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(path, JSON.stringify({ sha256, cells }));
  };
  return { cells, save };
}

/** Runs `one(i)` for units 0..count-1 not yet cached, until the time cap (copy cells have none: every distance gets
 * its 20 strings); returns the values and how long one took. */
async function cell(cache: ReturnType<typeof cacheOf>, key: string, count: number, one: (i: number) => Promise<number>, capSeconds = CELL_SECONDS) {
  const values = (cache.cells[key] ?? []).slice(0, count);
  const t0 = performance.now();
  let note: string | undefined;
  const before = values.length;
  while (values.length < count) {
    if (values.length > before && performance.now() - t0 > capSeconds * 1000) {
      note = `time cap: ${values.length} of ${count}`;
      break;
    }
    values.push(await one(values.length));
  }
  const ran = values.length - before;
  const secondsEach = ran ? (performance.now() - t0) / 1000 / ran : undefined;
  if ((cache.cells[key]?.length ?? 0) < values.length) cache.cells[key] = values;
  cache.save();
  return { values, note, secondsEach };
}

const round = (x: number, d = 4) => Number(x.toFixed(d));
/** lo and hi when there is an interval (n >= 2). */
const bounds = (iv: Interval) => (Number.isFinite(iv.lo) ? { lo: round(iv.lo), hi: round(iv.hi) } : {});
const point = (context: number, iv: Interval, note?: string): Point => ({
  context, bpb: round(iv.mean), ...bounds(iv), n: iv.n, ...(note ? { note } : {}),
});
/** Why a cell is not run, if the last one's time per unit (at half the length: x4 for quadratic attention) says it
 * would take longer than MAX_FORWARD_SECONDS per unit; undefined: run it. */
const tooSlow = (secondsEach: number | undefined, previous: string) =>
  secondsEach !== undefined && secondsEach * 4 > MAX_FORWARD_SECONDS
    ? `not run: one unit at ${previous} took ${secondsEach.toFixed(1)} s here`
    : undefined;
const failure = (e: unknown) => `failed: ${(e as Error).message.slice(0, 200)}`;

async function textRows(m: NodeModel, cache: ReturnType<typeof cacheOf>, windows: Record<string, number[]>) {
  const { id, config } = m.manifest;
  const out: { text: string; label: string; rows: Row[] }[] = [];
  for (const t of texts) {
    const rows: Row[] = [];
    // as the page runs it: the last N bytes, Transformer-XL with its trained memory
    const variants: { variant: string; label: string; memory?: number; slide?: number }[] = [{ variant: 'full', label: 'as run in the page' }];
    // a model with memories (the graph's `mems` input: Transformer-XL, Compressive) reads no sliding window
    const mems = m.manifest.graph.inputs.find((t) => t.name === 'mems');
    if (!mems && config.trainedContext < CONTEXTS[CONTEXTS.length - 1])
      variants.push({ variant: `sliding-${config.trainedContext}`, label: `sliding window of ${config.trainedContext} (its training crop)`, slide: config.trainedContext });
    // a longer memory where the graph's memory length is an axis of its own (Transformer-XL)
    if (typeof mems?.dims[2] === 'string' && 'memory' in config.attention)
      variants.push({ variant: `memory-${XL_MEMORY}`, label: `memory of ${XL_MEMORY} (trained with ${config.attention.memory})`, memory: XL_MEMORY });
    for (const v of variants) {
      const points: Point[] = [];
      let secondsEach: number | undefined;
      if (v.slide) {
        // independent of N once N >= W: the scored bytes are the same, and each sees only the W bytes before it
        const W = v.slide;
        const key = `${t.key}|${v.variant}`;
        const r = await cell(cache, key, Math.max(...t.windows), async (i) => {
          let s = 0;
          for (let b = 0; b < SCORED; b += SLIDE) {
            const blockEnd = ends[t.key][i] - SCORED + Math.min(SCORED, b + SLIDE);
            const w = t.bytes.subarray(blockEnd - W, blockEnd);
            s += (await bits(m, w, W - Math.min(SLIDE, SCORED - b))).sum;
          }
          return s / SCORED;
        });
        windows[key] = r.values;
        CONTEXTS.forEach((n, c) => {
          if (n <= W) return points.push({ context: n, bpb: null, note: `the window fits: see the full row` });
          points.push(point(n, meanInterval(r.values.slice(0, t.windows[c])), r.note));
        });
        console.log(`${id} ${t.key} ${v.variant}: ${points.filter((p) => p.bpb !== null)[0]?.bpb}`);
        rows.push({ variant: v.variant, label: v.label, points });
        continue;
      }
      for (const [c, n] of CONTEXTS.entries()) {
        if (n > config.maxContext) {
          points.push({ context: n, bpb: null, note: `beyond the model's limit of ${config.maxContext}` });
          continue;
        }
        const slow = tooSlow(secondsEach, `N=${CONTEXTS[c - 1]}`);
        if (slow) {
          points.push({ context: n, bpb: null, note: slow });
          continue;
        }
        const key = `${t.key}|${v.variant}|${n}`;
        try {
          const r = await cell(cache, key, t.windows[c], async (i) => {
            const w = t.bytes.subarray(ends[t.key][i] - n, ends[t.key][i]);
            const { sum, count } = await bits(m, w, n - SCORED, v.memory);
            return sum / count;
          });
          secondsEach = r.secondsEach ?? secondsEach;
          windows[key] = r.values;
          const p = point(n, meanInterval(r.values), r.note);
          points.push(p);
          console.log(`${id} ${t.key} ${v.variant} N=${n}: ${p.bpb} [${p.lo}, ${p.hi}] n=${p.n}${r.note ? ` (${r.note})` : ''}`);
        } catch (e) {
          points.push({ context: n, bpb: null, note: failure(e) }); // e.g. out of memory: a result, not a crash
          console.log(`${id} ${t.key} ${v.variant} N=${n}: ${failure(e)}`);
        }
      }
      rows.push({ variant: v.variant, label: v.label, points });
    }
    out.push({ text: t.key, label: t.label, rows });
  }
  return out;
}

function accuracy(distance: number, values: number[], note?: string): Acc {
  const iv = meanInterval(values);
  const exact = values.filter((v) => v === 1).length / values.length;
  return { distance, perByte: round(iv.mean), ...bounds(iv), exact: round(exact, 3), n: iv.n, ...(note ? { note } : {}) };
}

async function copyRows(m: NodeModel, cache: ReturnType<typeof cacheOf>) {
  const out: Acc[] = [];
  let secondsEach: number | undefined;
  for (const [k, d] of COPY_DISTANCES.entries()) {
    if (2 * d > m.manifest.config.maxContext) {
      out.push({ distance: d, perByte: null, exact: null, note: `needs ${2 * d} bytes of context; limit ${m.manifest.config.maxContext}` });
      continue;
    }
    const slow = tooSlow(secondsEach, `d=${COPY_DISTANCES[k - 1]}`); // distances double too: 4x for attention
    if (slow) {
      out.push({ distance: d, perByte: null, exact: null, note: slow });
      continue;
    }
    try {
      // seed d * 100 + i: different strings at every distance and sample
      const r = await cell(cache, `copy|${d}`, COPY_SEQUENCES, async (i) => {
        const tokens = new TextEncoder().encode(copyText(d, d * 100 + i));
        return (await tailAccuracy(m, tokens, COPY_SCORED)) / COPY_SCORED;
      }, Infinity);
      secondsEach = r.secondsEach ?? secondsEach;
      out.push(accuracy(d, r.values, r.note));
      console.log(`${m.manifest.id} copy d=${d}: ${out.at(-1)!.perByte} [${out.at(-1)!.lo}, ${out.at(-1)!.hi}] n=${r.values.length}`);
    } catch (e) {
      out.push({ distance: d, perByte: null, exact: null, note: failure(e) });
    }
  }
  return out;
}

/** The paper's copy task: the byte at q >= N/2 repeats the one at N-1-q. Each prefix ends ~32 bytes past the
 * position that copies from D back (these models read prefixes); its last 64 predictions are scored. */
async function mirrorRows(m: NodeModel, cache: ReturnType<typeof cacheOf>) {
  const out: Acc[] = [];
  for (const [k, D] of MIRROR_DISTANCES.entries()) {
    let end = 0;
    const r = await cell(cache, `mirror|${D}`, COPY_SEQUENCES, async (i) => {
      const prefix = mirroredPrefix(new TextEncoder().encode(mirrorText(1 + i + COPY_SEQUENCES * k)), D, COPY_SCORED);
      end = prefix.length;
      return (await tailAccuracy(m, prefix, COPY_SCORED)) / COPY_SCORED;
    }, Infinity);
    end ||= mirroredPrefix(new Uint8Array(MIRROR_LENGTH), D, COPY_SCORED).length;
    // mean of 2q - N + 1 over the scored q in [end - 64, end)
    out.push(accuracy(Math.round(2 * end - COPY_SCORED - MIRROR_LENGTH), r.values, r.note));
    console.log(`${m.manifest.id} mirrored d≈${out.at(-1)!.distance}: ${out.at(-1)!.perByte} [${out.at(-1)!.lo}, ${out.at(-1)!.hi}]`);
  }
  return out;
}

async function evaluate(id: string): Promise<Saved> {
  // memory over speed: see NodeSessionOptions.arena; EVAL_THREADS=1 when two evaluations share the 2 cores
  const m = await openNodeModel(id, { arena: false, threads: Number(process.env.EVAL_THREADS ?? 0) });
  const sha256 = m.manifest.graph.sha256;
  const cache = cacheOf(id, sha256);
  const windows: Record<string, number[]> = {};
  let evaluation: Evaluation;
  if (m.manifest.config.task === 'mirrored-copy') {
    const note = 'trained on the mirrored copy task only';
    evaluation = {
      command: COMMAND,
      heldOutBitsPerByte: CONTEXTS.map((context) => ({ context, bpb: null, note })),
      copyAccuracy: COPY_DISTANCES.map((distance) => ({ distance, exact: null, perByte: null, note })),
      mirroredCopyAccuracy: await mirrorRows(m, cache),
    };
  } else {
    const textResults = await textRows(m, cache, windows);
    evaluation = {
      command: COMMAND,
      heldOutBitsPerByte: textResults[0].rows[0].points,
      copyAccuracy: await copyRows(m, cache),
      texts: textResults,
    };
  }
  await m.session.release();
  const saved = { sha256, evaluation, windows };
  mkdirSync('models/eval', { recursive: true });
  writeFileSync(join('models/eval', `${id}.json`), JSON.stringify(saved, null, 1) + '\n');
  return saved;
}

/** A model not evaluated in this run keeps its saved evaluation, if it still belongs to the shipped graph. */
function saved(id: string): Saved | undefined {
  const path = join('models/eval', `${id}.json`);
  if (!existsSync(path)) return undefined;
  const ev = JSON.parse(readFileSync(path, 'utf8'));
  return ev.sha256 === readManifest(id).graph.sha256 && ev.windows ? ev : undefined; // `windows`: this format
}

// ---- tables ----
const f3 = (x: number) => x.toFixed(3);
const pm = (iv: { bpb?: number | null; perByte?: number | null; lo?: number; hi?: number }, planned?: number, n?: number) => {
  const v = iv.bpb ?? iv.perByte;
  if (v === null || v === undefined) return '—';
  const half = iv.lo !== undefined && iv.hi !== undefined ? ` ± ${f3((iv.hi - iv.lo) / 2)}` : '';
  return `${f3(v)}${half}${planned !== undefined && n !== undefined && n < planned ? ` (n=${n})` : ''}`;
};

function textTable(all: { id: string; name: string; s: Saved }[], t: (typeof TEXTS)[number]) {
  const lines = [
    `| model | ${CONTEXTS.map((n, c) => `N=${n} (${t.windows[c]})`).join(' | ')} |`,
    `|---|${CONTEXTS.map(() => '---').join('|')}|`,
  ];
  for (const r of all) {
    for (const row of r.s.evaluation.texts!.find((x) => x.text === t.key)!.rows) {
      const name = row.variant === 'full' ? r.name : `${r.name}, ${row.label}`;
      lines.push(`| ${name} | ${row.points.map((p, c) => pm(p, t.windows[c], p.n)).join(' | ')} |`);
    }
  }
  return lines;
}

function pairedTable(all: { id: string; name: string; s: Saved }[], t: (typeof TEXTS)[number], ref: string) {
  const refSaved = all.find((r) => r.id === ref);
  if (!refSaved) return [];
  const lines = [
    `| model − ${refSaved.name} | ${CONTEXTS.map((n) => `N=${n}`).join(' | ')} |`,
    `|---|${CONTEXTS.map(() => '---').join('|')}|`,
  ];
  for (const r of all) {
    if (r.id === ref) continue;
    for (const row of r.s.evaluation.texts!.find((x) => x.text === t.key)!.rows) {
      const name = row.variant === 'full' ? r.name : `${r.name}, ${row.label}`;
      const cells = CONTEXTS.map((n, c) => {
        const base = refSaved.s.windows[`${t.key}|full|${n}`];
        const mine = row.variant.startsWith('sliding') ? (row.points[c].bpb === null ? undefined : r.s.windows[`${t.key}|${row.variant}`]?.slice(0, t.windows[c])) : r.s.windows[`${t.key}|${row.variant}|${n}`];
        if (!base?.length || !mine?.length) return '—';
        const iv = pairedInterval(mine, base);
        if (iv.n < 2) return `${f3(iv.mean)} (n=1)`;
        const sig = iv.lo > 0 || iv.hi < 0 ? '**' : '';
        return `${sig}${iv.mean >= 0 ? '+' : ''}${f3(iv.mean)}${sig} [${f3(iv.lo)}, ${f3(iv.hi)}]${iv.n < t.windows[c] ? ` (n=${iv.n})` : ''}`;
      });
      lines.push(`| ${name} | ${cells.join(' | ')} |`);
    }
  }
  return lines;
}

/** What more context buys one model: bits per byte at N minus at BASE_CONTEXT, on the windows both have (the first
 * of the common order), as run in the page and, past its crop, against its own sliding window. */
const BASE_CONTEXT = 512;
function gainTable(all: { id: string; name: string; s: Saved }[], t: (typeof TEXTS)[number]) {
  const shown = CONTEXTS.filter((n) => n > BASE_CONTEXT);
  const lines = [`| model | ${shown.map((n) => `N=${n}`).join(' | ')} |`, `|---|${shown.map(() => '---').join('|')}|`];
  for (const r of all) {
    const base = r.s.windows[`${t.key}|full|${BASE_CONTEXT}`];
    if (!base?.length) continue;
    const cells = shown.map((n) => {
      const at = r.s.windows[`${t.key}|full|${n}`];
      if (!at?.length) return '—';
      const iv = pairedInterval(at, base);
      if (iv.n < 2) return `${f3(iv.mean)} (n=1)`;
      const sig = iv.lo > 0 || iv.hi < 0 ? '**' : '';
      return `${sig}${iv.mean >= 0 ? '+' : ''}${f3(iv.mean)}${sig} [${f3(iv.lo)}, ${f3(iv.hi)}]${iv.n < t.windows[CONTEXTS.indexOf(n)] ? ` (n=${iv.n})` : ''}`;
    });
    lines.push(`| ${r.name} | ${cells.join(' | ')} |`);
  }
  return lines;
}

function accTable(rows: { name: string; accs: Acc[] }[], label: string) {
  const ds = rows[0].accs.map((a) => a.distance);
  return [
    `| model | ${ds.map((d) => `${label} ${d}`).join(' | ')} |`,
    `|---|${ds.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.name} | ${r.accs.map((a) => (a.perByte === null ? '—' : `${pm(a, COPY_SEQUENCES, a.n)} (${a.exact?.toFixed(2)})`)).join(' | ')} |`),
  ];
}

function tables(all: { id: string; name: string; s: Saved }[]) {
  const text = all.filter((r) => r.s.evaluation.texts);
  const mirror = all.filter((r) => r.s.evaluation.mirroredCopyAccuracy);
  const out = [
    `Produced by \`${COMMAND}\` from the shipped ONNX files (native onnxruntime-node, CPU). **Bits per byte** on the last ${SCORED} bytes of each window of N bytes (so each scored byte sees N−${SCORED} to N−1 bytes before it), the same windows for every model; in brackets in the header the number of windows (spread over the whole text; fewer where a slow model hit the time cap of one cell, \`EVAL_CELL_SECONDS\`, then marked n=; cached windows are kept, so a cell holds what its longest run reached). ± is half the 95% interval (percentile bootstrap over windows). A *sliding window of W* predicts each block of ${SLIDE} scored bytes from the W bytes that end with it (so from W−${SLIDE} to W−1 bytes of context), the same at every N > W. Texts: held-out Brown (every 10th document, never trained on) and the Jargon File 4.4.7 (public domain, Debian's jargon-text: a glossary of hacker slang, another genre, never trained on).`,
    '',
  ];
  for (const t of TEXTS) {
    out.push(`**${t.label}**, bits per byte:`, '', ...textTable(text, t), '');
    if (text.some((r) => r.id === REFERENCE))
      out.push(`**${t.label}**, paired difference against ${REFERENCE} on the same windows (mean and 95% interval; negative: better than it; bold: the interval excludes 0):`, '', ...pairedTable(text, t, REFERENCE), '');
    out.push(`**${t.label}**, what more context buys each model: bits per byte at N minus at ${BASE_CONTEXT}, same model, same windows (negative: longer context helps; bold: the interval excludes 0):`, '', ...gainTable(text, t), '');
    if (text.some((r) => r.id === MATCHED))
      out.push(`**${t.label}**, paired difference against the crop-matched ${MATCHED} (the decoders' 512-byte crops and rotary wavelength):`, '', ...pairedTable(text, t, MATCHED), '');
  }
  if (text.length) out.push(
    `**Copy** (a printable random string of d bytes, then the same again): per-byte argmax accuracy on the last ${COPY_SCORED} bytes, ${COPY_SEQUENCES} different strings at every distance, ± half the 95% interval over strings, in brackets the share of strings whose ${COPY_SCORED} bytes are all right. Chance is 1/94 ≈ 0.011.`,
    '',
    ...accTable(text.map((r) => ({ name: r.name, accs: r.s.evaluation.copyAccuracy })), 'd ='),
    '',
  );
  if (mirror.length)
    out.push(
      `**The paper's copy task** (mirrored: ${MIRROR_LENGTH / 2} random printable bytes, then the same reversed; the model reads a prefix): per-byte accuracy of ${COPY_SCORED} bytes copied from about d bytes back, ${COPY_SEQUENCES} sequences per distance, ± half the 95% interval, in brackets the exact-match rate.`,
      '',
      ...accTable(mirror.map((r) => ({ name: r.name, accs: r.s.evaluation.mirroredCopyAccuracy! })), 'd ≈'),
      '',
    );
  out.push('![evaluation](plots/eval.png)');
  return out.join('\n');
}

// --tables: evaluate nothing, rewrite the tables and plot from models/eval/*.json (after evaluations run apart)
const argv = process.argv.slice(2);
// the recall models (config.task 'recall', trained on the recall tasks only) have their own evaluation: evaluateRecall.ts
const textModels = () => readIndex().filter((id) => !id.endsWith('-tiny') && readManifest(id).config.task !== 'recall');
const ids = argv[0] === '--tables' ? [] : argv.length ? argv : textModels();
const t0 = performance.now();
const fresh = new Map<string, Saved>();
for (const id of ids) {
  const t = performance.now();
  fresh.set(id, await evaluate(id));
  console.log(`${id}: ${((performance.now() - t) / 1000).toFixed(0)} s`);
}
console.log(`evaluated ${ids.length} models in ${((performance.now() - t0) / 60000).toFixed(1)} min`);
// the evaluations into their manifests, by the manifests' one writer (no graph is re-exported)
if (ids.length) execFileSync('/usr/bin/python3', ['models/export.py', '--manifests', ...ids.flatMap((id) => ['--only', id])], { stdio: 'inherit' });
const all = textModels()
  .map((id) => ({ id, name: readManifest(id).displayName, s: fresh.get(id) ?? saved(id) }))
  .filter((r): r is { id: string; name: string; s: Saved } => r.s !== undefined);
const readme = readFileSync('models/README.md', 'utf8');
const [head, rest] = readme.split('<!-- EVAL TABLE -->');
const tail = rest?.split('<!-- /EVAL TABLE -->')[1] ?? '';
writeFileSync('models/README.md', `${head}<!-- EVAL TABLE -->\n${tables(all)}\n<!-- /EVAL TABLE -->${tail}`);
execFileSync('/usr/bin/python3', ['models/plot_eval.py'], { stdio: 'inherit' });
console.log('wrote models/eval/*.json, manifests, models/README.md tables, models/plots/eval.png');
