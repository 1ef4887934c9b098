// Copy accuracy on one sequence, shared by the evaluation (scripts/evaluate.ts) and the graph tests.
import { MIRROR_LENGTH } from '../../src/state/presets';
import { runLogits, type NodeModel } from './nodeModel';

const argmax = (row: Float32Array) => row.reduce((best, x, i, a) => (x > a[best] ? i : best), 0);

/** How many of the last `scored` bytes of `tokens` the model predicts right (argmax of the row before each). */
export async function tailAccuracy(m: NodeModel, tokens: Uint8Array | number[], scored: number): Promise<number> {
  const V = m.manifest.config.vocabSize;
  const { logits, k, start } = await runLogits(m, tokens);
  let right = 0;
  for (let r = k - 1 - scored; r < k - 1; r++) right += argmax(logits.subarray(r * V, (r + 1) * V)) === tokens[start + r + 1] ? 1 : 0;
  return right;
}

/** The paper's mirrored task read as a prefix (the copy-task model reads the first N bytes): the prefix whose last
 * `scored` bytes repeat bytes about `distance` back. Byte q >= N/2 repeats byte N-1-q, 2q-N+1 back. */
export function mirroredPrefix(full: Uint8Array, distance: number, scored: number): Uint8Array {
  return full.subarray(0, Math.min(MIRROR_LENGTH, Math.round((MIRROR_LENGTH - 1 + distance) / 2) + scored / 2));
}
