// Logits -> what the UI shows: surprisal in bits of each byte that was actually there, and the top next bytes.
import type { TopByte } from './types';
import { logSoftmax } from '../hub/hubRun'; // one log-softmax for the byte models and the Hub decoders
export { logSoftmax };

export function topK(logp: Float64Array, k: number): TopByte[] {
  const idx = Array.from(logp.keys()).sort((a, b) => logp[b] - logp[a]).slice(0, k);
  return idx.map((byte) => ({ byte, p: Math.exp(logp[byte]) }));
}

export interface Scored {
  surprisalBits: Float32Array; // for window offsets start+1 .. start+rows-1
  top: TopByte[][]; // what the model expected at each of the last `keepTop` scored offsets
  nextTop: TopByte[]; // after the window
}

/**
 * logits: rows x V (row r sits at window offset start + r and predicts the byte at start + r + 1).
 * window: the bytes the model saw.
 */
export function score(logits: Float32Array, rows: number, V: number, window: ArrayLike<number>, start: number, k = 5, keepTop = 2048): Scored {
  const surprisalBits = new Float32Array(Math.max(0, rows - 1));
  const top: TopByte[][] = [];
  let nextTop: TopByte[] = [];
  for (let r = 0; r < rows; r++) {
    const logp = logSoftmax(logits.subarray(r * V, (r + 1) * V));
    if (r < rows - 1) {
      surprisalBits[r] = -logp[window[start + r + 1]] / Math.LN2;
      if (r >= rows - 1 - keepTop) top.push(topK(logp, k));
    } else nextTop = topK(logp, k);
  }
  return { surprisalBits, top, nextTop };
}

export const mean = (xs: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : NaN;
};
