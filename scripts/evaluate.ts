// npm run models:eval — evaluates the SHIPPED graphs (public/models/*-compare/model.onnx) with onnxruntime-node:
// bits per byte on held-out Brown text at several context lengths, and copy accuracy by copy distance.
// Writes models/eval/<id>.json (tied to the graph's sha256), patches each manifest's `evaluation`, rewrites the
// table in models/README.md and draws models/plots/eval.png.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { MODELS_DIR, openNodeModel, readIndex, runLogits } from './lib/nodeModel';
import { mirroredPrefix, tailAccuracy } from './lib/copyScore';
import { logSoftmax } from '../src/engine/surprisal';
import { MIRROR_LENGTH, mirrorText } from '../src/state/presets';

const CONTEXTS = [256, 1024, 4096, 8192, 16384];
const WINDOW_ENDS = [30_000, 110_000, 190_000, 270_000, 350_000, 430_000]; // byte offsets in heldout.txt
const SCORED = 255; // every model is scored on the same last 255 bytes of each window (256 logit rows: Perceiver AR's trained M)
const COMMAND = 'npm run models:eval';

const heldout = new Uint8Array(readFileSync('public/data/heldout.txt'));
const evalSet: { copies: { distance: number; tokens: number[]; score: number }[] } = JSON.parse(readFileSync('models/eval/eval-set.json', 'utf8'));
const ids = process.argv.slice(2).length ? process.argv.slice(2) : readIndex().filter((id) => !id.endsWith('-tiny'));
// Mirrored copy (models trained on it): distances scored, and the preset seeds (1 is the UI's preset).
const MIRROR_DISTANCES = [64, 256, 1024, 4096, 16384, 32768, 49152, MIRROR_LENGTH - 1];
const MIRROR_SEEDS = [1, 2, 3];
const MIRROR_SCORED = 64;

/** The paper's copy task: the byte at position q >= N/2 repeats the one at N-1-q. For each distance D, run the
 * model on the prefix that ends ~32 bytes past the position copying from D back (these models read prefixes) and
 * score the last 64 bytes it predicts; the reported distance is the mean over those bytes. */
async function mirroredCopy(m: Awaited<ReturnType<typeof openNodeModel>>) {
  const N = MIRROR_LENGTH;
  const out = [];
  for (const D of MIRROR_DISTANCES) {
    let right = 0;
    let exact = 0;
    let end = 0;
    for (const seed of MIRROR_SEEDS) {
      const prefix = mirroredPrefix(new TextEncoder().encode(mirrorText(seed, N)), D, MIRROR_SCORED);
      const r = await tailAccuracy(m, prefix, MIRROR_SCORED);
      right += r;
      exact += r === MIRROR_SCORED ? 1 : 0;
      end = prefix.length;
    }
    const total = MIRROR_SCORED * MIRROR_SEEDS.length;
    const distance = Math.round(2 * end - MIRROR_SCORED - N); // mean of 2q - N + 1 over the scored q in [end - 64, end)
    out.push({ distance, exact: Number((exact / MIRROR_SEEDS.length).toFixed(3)), perByte: Number((right / total).toFixed(4)) });
    console.log(`${m.manifest.id} mirrored copy d≈${distance}: per byte ${(right / total).toFixed(3)}, exact ${exact}/${MIRROR_SEEDS.length}`);
  }
  return out;
}

async function evaluate(id: string) {
  const m = await openNodeModel(id, { arena: false }); // memory over speed: see NodeSessionOptions.arena
  const { maxContext, vocabSize: V } = m.manifest.config;
  if (m.manifest.config.task === 'mirrored-copy') {
    const note = 'trained on the mirrored copy task only';
    const evaluation = {
      command: COMMAND,
      heldOutBitsPerByte: CONTEXTS.map((context) => ({ context, bpb: null, note })),
      copyAccuracy: [...new Set(evalSet.copies.map((c) => c.distance))].map((distance) => ({ distance, exact: null, perByte: null, note })),
      mirroredCopyAccuracy: await mirroredCopy(m),
    };
    await m.session.release();
    return save(id, m.manifest.graph.sha256, evaluation);
  }
  const heldOutBitsPerByte = [];
  for (const n of CONTEXTS) {
    if (n > maxContext) {
      heldOutBitsPerByte.push({ context: n, bpb: null, note: `beyond the model's limit of ${maxContext}` });
      continue;
    }
    let bits = 0;
    let count = 0;
    try {
      for (const end of WINDOW_ENDS) {
        const window = heldout.subarray(end - n, end);
        const { logits, k, start } = await runLogits(m, window); // Perceiver AR: its default (trained) latents
        for (let r = k - 1 - SCORED; r < k - 1; r++) {
          const lp = logSoftmax(logits.subarray(r * V, (r + 1) * V));
          bits += -lp[window[start + r + 1]] / Math.LN2;
          count++;
        }
      }
    } catch (e) {
      // e.g. out of memory in native onnxruntime: a result of its own, not a crash of the whole evaluation
      heldOutBitsPerByte.push({ context: n, bpb: null, note: `failed: ${(e as Error).message.slice(0, 200)}` });
      console.log(`${id} held-out N=${n}: failed: ${(e as Error).message.slice(0, 200)}`);
      continue;
    }
    heldOutBitsPerByte.push({ context: n, bpb: Number((bits / count).toFixed(4)) });
    console.log(`${id} held-out N=${n}: ${(bits / count).toFixed(3)} bits/byte`);
  }
  const copyAccuracy = [];
  for (const d of [...new Set(evalSet.copies.map((c) => c.distance))]) {
    const samples = evalSet.copies.filter((c) => c.distance === d);
    if (2 * d > maxContext) {
      copyAccuracy.push({ distance: d, exact: null, perByte: null, note: `needs ${2 * d} bytes of context; limit ${maxContext}` });
      continue;
    }
    let right = 0;
    let total = 0;
    let exact = 0;
    try {
      for (const s of samples) {
        const r = await tailAccuracy(m, s.tokens, s.score);
        right += r;
        total += s.score;
        exact += r === s.score ? 1 : 0;
      }
    } catch (e) {
      copyAccuracy.push({ distance: d, exact: null, perByte: null, note: `failed: ${(e as Error).message.slice(0, 200)}` });
      console.log(`${id} copy d=${d}: failed: ${(e as Error).message.slice(0, 200)}`);
      continue;
    }
    copyAccuracy.push({ distance: d, exact: Number((exact / samples.length).toFixed(3)), perByte: Number((right / total).toFixed(4)) });
    console.log(`${id} copy d=${d}: per byte ${(right / total).toFixed(3)}, exact ${exact}/${samples.length}`);
  }
  await m.session.release();
  return save(id, m.manifest.graph.sha256, { command: COMMAND, heldOutBitsPerByte, copyAccuracy });
}

type Evaluation = {
  command: string;
  heldOutBitsPerByte: { context: number; bpb: number | null; note?: string }[];
  copyAccuracy: { distance: number; exact: number | null; perByte: number | null; note?: string }[];
  mirroredCopyAccuracy?: { distance: number; exact: number | null; perByte: number | null }[];
};

function save(id: string, sha256: string, evaluation: Evaluation) {
  mkdirSync('models/eval', { recursive: true });
  writeFileSync(join('models/eval', `${id}.json`), JSON.stringify({ sha256, evaluation }, null, 1) + '\n');
  const manifestPath = join(MODELS_DIR, id, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.evaluation = evaluation;
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 1));
  return { id, name: manifest.displayName as string, training: manifest.training, evaluation };
}

/** "per byte (exact)" for one copy distance. */
const acc = (c: { perByte: number | null; exact: number | null }) => (c.perByte === null ? '—' : `${c.perByte.toFixed(3)} (${c.exact?.toFixed(2)})`);

function table(all: Awaited<ReturnType<typeof evaluate>>[]) {
  const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(3));
  const rows = all.filter((r) => !r.evaluation.mirroredCopyAccuracy); // text models; the copy-task model has its own table
  const distances = rows[0].evaluation.copyAccuracy.map((c) => c.distance);
  const out = [
    `Produced by \`${COMMAND}\` from the shipped ONNX files (onnxruntime-node, CPU). Bits per byte: mean over the last ${SCORED} bytes of ${WINDOW_ENDS.length} held-out windows, context N before them. Copy: per-byte accuracy (argmax) on the last 64 bytes of a printable random string repeated at distance d, ${evalSet.copies.filter((c) => c.distance === distances[0]).length} samples each, and in brackets the rate of samples whose 64 bytes are all right; chance is 1/94 ≈ 0.011 per byte. "—": beyond the model's limit.`,
    '',
    `| model | steps | bytes seen | ${CONTEXTS.map((n) => `bpb @${n}`).join(' | ')} | ${distances.map((d) => `copy @${d}`).join(' | ')} |`,
    `|---|---|---|${CONTEXTS.map(() => '---').join('|')}|${distances.map(() => '---').join('|')}|`,
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.training?.steps ?? 'untrained'} | ${r.training?.tokensSeen?.toLocaleString('en-US') ?? '—'} | ${r.evaluation.heldOutBitsPerByte.map((e) => fmt(e.bpb)).join(' | ')} | ${r.evaluation.copyAccuracy.map(acc).join(' | ')} |`,
    ),
    '',
    ...mirrorTable(all),
    '![evaluation](plots/eval.png)',
  ];
  return out.join('\n');
}

function mirrorTable(rows: Awaited<ReturnType<typeof evaluate>>[]) {
  const with_ = rows.filter((r) => r.evaluation.mirroredCopyAccuracy);
  if (!with_.length) return [];
  const ds = with_[0].evaluation.mirroredCopyAccuracy!.map((c) => c.distance);
  return [
    `The paper's copy task (mirrored: ${MIRROR_LENGTH / 2} random printable bytes, then the same reversed; the model reads a prefix), per-byte accuracy of ${MIRROR_SCORED} bytes copied from about d bytes back, ${MIRROR_SEEDS.length} sequences (exact-match rate of all ${MIRROR_SCORED} in brackets). Chance is 1/94 ≈ 0.011.`,
    '',
    `| model | steps | bytes seen | ${ds.map((d) => `mirror @${d}`).join(' | ')} |`,
    `|---|---|---|${ds.map(() => '---').join('|')}|`,
    ...with_.map(
      (r) =>
        `| ${r.name} | ${r.training?.steps ?? 'untrained'} | ${r.training?.tokensSeen?.toLocaleString('en-US') ?? '—'} | ${r.evaluation.mirroredCopyAccuracy!.map(acc).join(' | ')} |`,
    ),
    '',
  ];
}

/** A model not evaluated in this run keeps its saved evaluation in the table, if it still belongs to the shipped graph. */
function saved(id: string) {
  const manifest = JSON.parse(readFileSync(join(MODELS_DIR, id, 'manifest.json'), 'utf8'));
  const path = join('models/eval', `${id}.json`);
  let ev: { sha256?: string; evaluation?: Evaluation } = {};
  try {
    ev = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (ev.sha256 !== manifest.graph.sha256 || !ev.evaluation) return undefined;
  return { id, name: manifest.displayName as string, training: manifest.training, evaluation: ev.evaluation };
}

const fresh: Awaited<ReturnType<typeof evaluate>>[] = [];
for (const id of ids) fresh.push(await evaluate(id));
const results = readIndex()
  .filter((id) => !id.endsWith('-tiny'))
  .map((id) => fresh.find((r) => r.id === id) ?? saved(id))
  .filter((r) => r !== undefined);
const readme = readFileSync('models/README.md', 'utf8');
const [head, rest] = readme.split('<!-- EVAL TABLE -->');
const tail = rest?.split('<!-- /EVAL TABLE -->')[1] ?? '';
writeFileSync('models/README.md', `${head}<!-- EVAL TABLE -->\n${table(results)}\n<!-- /EVAL TABLE -->${tail}`);
execFileSync('/usr/bin/python3', ['models/plot_eval.py'], { stdio: 'inherit' });
console.log('wrote models/eval/*.json, manifests, models/README.md table, models/plots/eval.png');
