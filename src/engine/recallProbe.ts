// A recall probe read by a model, teacher-forced: for each answer byte, the logits given the true bytes before it.
// One forward over the whole probe when it fits the model's one-shot limit; else cached decoding through the step
// graph (the bytes before the first answer as a prefill, then one true byte at a time up to the last answer byte).
// Pure like generation.ts: it takes run functions, so the worker and the Node tests share it.
import type { Manifest } from '../catalog/manifest';
import { runWindow, type RunFn } from './graphRunner';
import { argmax } from './sampling';
import { createDecoder } from './stepRunner';
import { logSoftmax, topK } from './surprisal';
import { EngineError, type TopByte } from './types';

export interface AnswerSpan {
  start: number;
  length: number;
}

/** How a probe is read: one forward, or cached decoding; M for Perceiver AR. */
export interface ReadPlan {
  mode: 'forward' | 'decode';
  numLatents?: number;
}

/** Positions of the answer bytes, in order (each predicted from the row at the position before it). */
export const answerPositions = (answers: readonly AnswerSpan[]) =>
  answers.flatMap((a) => Array.from({ length: a.length }, (_, i) => a.start + i)).sort((x, y) => x - y);

/** The logits row (V values) that predicts each answer byte, in answerPositions' order. */
export async function answerRows(m: Manifest, run: { forward: RunFn; step?: RunFn }, bytes: Uint8Array, answers: readonly AnswerSpan[], plan: ReadPlan): Promise<Float32Array[]> {
  const V = m.config.vocabSize;
  const at = answerPositions(answers);
  if (!at.length || at[0] < 1 || at.at(-1)! >= bytes.length) throw new EngineError('bad-input', 'A probe needs answer bytes after its first byte and within it');
  if (plan.mode === 'forward') {
    const { logits, start } = await runWindow(run.forward, m, bytes, plan.numLatents);
    return at.map((q) => {
      const row = q - 1 - start;
      if (row < 0) throw new EngineError('bad-input', `${m.id} gives no prediction for byte ${q} with ${plan.numLatents} latents`);
      return logits.slice(row * V, (row + 1) * V);
    });
  }
  if (!run.step) throw new EngineError('invalid-model', `${m.id} has no step graph for cached decoding`);
  const last = at.at(-1)!;
  const dec = createDecoder(run.step, m, { capacity: last, numLatents: plan.numLatents });
  const rows = new Map<number, Float32Array>(); // position predicted -> its row
  let r = await dec.append(bytes.subarray(0, at[0]));
  rows.set(at[0], r.logits.slice(0, V));
  for (let p = at[0]; p < last; p++) {
    r = await dec.append(bytes.subarray(p, p + 1));
    if (at.includes(p + 1)) rows.set(p + 1, r.logits.slice(0, V));
  }
  return at.map((q) => rows.get(q)!);
}

/** The top prediction of each answer byte (the argmax, as the offline evaluation scores it) and the k most likely. */
export function guesses(rows: Float32Array[], k: number): { predicted: Uint8Array; top: TopByte[][] } {
  return { predicted: Uint8Array.from(rows, (row) => argmax(row)), top: rows.map((row) => topK(logSoftmax(row), k)) };
}
