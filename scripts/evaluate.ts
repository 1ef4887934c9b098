// npm run models:eval — evaluates the SHIPPED graphs (public/models/*-compare/model.onnx) with onnxruntime-node:
// bits per byte on held-out Brown text at several context lengths, and copy accuracy by copy distance.
// Writes models/eval/<id>.json (tied to the graph's sha256), patches each manifest's `evaluation`, rewrites the
// table in models/README.md and draws models/plots/eval.png.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { MODELS_DIR, openNodeModel, readIndex, runLogits } from './lib/nodeModel';
import { logSoftmax } from '../src/engine/surprisal';

const CONTEXTS = [256, 1024, 4096, 8192, 16384];
const WINDOW_ENDS = [30_000, 110_000, 190_000, 270_000, 350_000, 430_000]; // byte offsets in heldout.txt
const SCORED = 255; // every model is scored on the same last 255 bytes of each window (256 logit rows: Perceiver AR's trained M)
const COMMAND = 'npm run models:eval';

const heldout = new Uint8Array(readFileSync('public/data/heldout.txt'));
const evalSet: { copies: { distance: number; tokens: number[]; score: number }[] } = JSON.parse(readFileSync('models/eval/eval-set.json', 'utf8'));
const ids = process.argv.slice(2).length ? process.argv.slice(2) : readIndex().filter((id) => id.endsWith('-compare'));

const argmax = (row: Float32Array) => row.reduce((best, x, i, a) => (x > a[best] ? i : best), 0);

async function evaluate(id: string) {
  const m = await openNodeModel(id);
  const { maxContext, vocabSize: V } = m.manifest.config;
  const heldOutBitsPerByte = [];
  for (const n of CONTEXTS) {
    if (n > maxContext) {
      heldOutBitsPerByte.push({ context: n, bpb: null, note: `beyond the model's limit of ${maxContext}` });
      continue;
    }
    let bits = 0;
    let count = 0;
    for (const end of WINDOW_ENDS) {
      const window = heldout.subarray(end - n, end);
      const { logits, k, start } = await runLogits(m, window); // Perceiver AR: its default (trained) latents
      for (let r = k - 1 - SCORED; r < k - 1; r++) {
        const lp = logSoftmax(logits.subarray(r * V, (r + 1) * V));
        bits += -lp[window[start + r + 1]] / Math.LN2;
        count++;
      }
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
    for (const s of samples) {
      const { logits, k, start } = await runLogits(m, s.tokens);
      let all = true;
      for (let r = k - 1 - s.score; r < k - 1; r++) {
        const ok = argmax(logits.subarray(r * V, (r + 1) * V)) === s.tokens[start + r + 1];
        right += ok ? 1 : 0;
        total++;
        all &&= ok;
      }
      exact += all ? 1 : 0;
    }
    copyAccuracy.push({ distance: d, exact: Number((exact / samples.length).toFixed(3)), perByte: Number((right / total).toFixed(4)) });
    console.log(`${id} copy d=${d}: per byte ${(right / total).toFixed(3)}, exact ${exact}/${samples.length}`);
  }
  await m.session.release();
  const evaluation = { command: COMMAND, heldOutBitsPerByte, copyAccuracy };
  mkdirSync('models/eval', { recursive: true });
  writeFileSync(join('models/eval', `${id}.json`), JSON.stringify({ sha256: m.manifest.graph.sha256, evaluation }, null, 1) + '\n');
  const manifestPath = join(MODELS_DIR, id, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.evaluation = evaluation;
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 1));
  return { id, name: manifest.displayName as string, training: manifest.training, evaluation };
}

function table(rows: Awaited<ReturnType<typeof evaluate>>[]) {
  const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(3));
  const distances = rows[0].evaluation.copyAccuracy.map((c) => c.distance);
  const out = [
    `Produced by \`${COMMAND}\` from the shipped ONNX files (onnxruntime-node, CPU). Bits per byte: mean over the last ${SCORED} bytes of ${WINDOW_ENDS.length} held-out windows, context N before them. Copy: per-byte accuracy (argmax) on the last 64 bytes of a printable random string repeated at distance d, ${evalSet.copies.filter((c) => c.distance === distances[0]).length} samples each (exact-match rate in the JSON). "—": beyond the model's limit.`,
    '',
    `| model | steps | bytes seen | ${CONTEXTS.map((n) => `bpb @${n}`).join(' | ')} | ${distances.map((d) => `copy @${d}`).join(' | ')} |`,
    `|---|---|---|${CONTEXTS.map(() => '---').join('|')}|${distances.map(() => '---').join('|')}|`,
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.training?.steps ?? 'untrained'} | ${r.training?.tokensSeen?.toLocaleString('en-US') ?? '—'} | ${r.evaluation.heldOutBitsPerByte.map((e) => fmt(e.bpb)).join(' | ')} | ${r.evaluation.copyAccuracy.map((c) => fmt(c.perByte)).join(' | ')} |`,
    ),
    '',
    '![evaluation](plots/eval.png)',
  ];
  return out.join('\n');
}

const results = [];
for (const id of ids) results.push(await evaluate(id));
const readme = readFileSync('models/README.md', 'utf8');
const [head, rest] = readme.split('<!-- EVAL TABLE -->');
const tail = rest?.split('<!-- /EVAL TABLE -->')[1] ?? '';
writeFileSync('models/README.md', `${head}<!-- EVAL TABLE -->\n${table(results)}\n<!-- /EVAL TABLE -->${tail}`);
execFileSync('/usr/bin/python3', ['models/plot_eval.py'], { stdio: 'inherit' });
console.log('wrote models/eval/*.json, manifests, models/README.md table, models/plots/eval.png');
