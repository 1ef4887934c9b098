// What the engine does with a Hub decoder, over token ids (pure, like kvDecoder.ts: a run function in, so the
// browser worker and Node tests share it): one forward over N tokens (the latency and memory views), surprisal of
// each token and the tokens the model expected (predictions), and generation streamed token by token through the
// cache (or, without one, the window re-run per token).
import { createKvDecoder, createWindowDecoder, floatRows, forwardFeeds, type HubRun, type KvDecoder } from './kvDecoder';
import type { DecoderLayout } from './layout';

/** One forward over `tokens` from an empty cache (use_cache_branch false): rows x V logits, one row per token. */
export async function forwardTokens(session: HubRun, layout: DecoderLayout, tokens: ArrayLike<number>): Promise<{ logits: Float32Array; rows: number }> {
  if (layout.kind === 'no-cache') {
    const r = await createWindowDecoder(session, layout, tokens.length).append(tokens, 'all');
    return { logits: r.logits, rows: r.rows };
  }
  const dec = createKvDecoder(session, layout);
  try {
    const r = await dec.append(tokens, 'all');
    return { logits: r.logits, rows: r.rows };
  } finally {
    dec.dispose();
  }
}

/** Logits rows x V held by the forward over N tokens: what one shot at N needs at least (the memory wall's cause). */
export const logitsBytes = (n: number, vocab: number) => n * vocab * 4;

export interface TopToken {
  id: number;
  p: number;
}

/** The k largest entries of a log-probability row without sorting the vocabulary (150k-entry rows). */
export function topTokens(logp: Float64Array, k: number): TopToken[] {
  const best: number[] = [];
  for (let i = 0; i < logp.length; i++) {
    if (best.length === k && logp[i] <= logp[best[k - 1]]) continue;
    let j = best.length === k ? k - 1 : best.length;
    best[j] = i;
    while (j > 0 && logp[best[j - 1]] < logp[i]) ((best[j] = best[j - 1]), (best[--j] = i));
  }
  return best.map((id) => ({ id, p: Math.exp(logp[id]) }));
}

/** log-softmax of one row, numerically stable (subtract the max before exp). */
export function logSoftmax(row: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(row.length);
  for (let i = 0; i < row.length; i++) out[i] = row[i] - lse;
  return out;
}

export interface ScoredTokens {
  surprisalBits: Float32Array; // token r + 1 of the window, given the tokens before it
  top: TopToken[][]; // what the model expected at each scored position (the last keepTop)
  nextTop: TopToken[]; // after the window
}

/** rows x V logits over `tokens` (row r predicts token r + 1): surprisal in bits and the top tokens. */
export function scoreTokens(logits: Float32Array, rows: number, V: number, tokens: ArrayLike<number>, k = 5, keepTop = 512): ScoredTokens {
  const surprisalBits = new Float32Array(Math.max(0, rows - 1));
  const top: TopToken[][] = [];
  let nextTop: TopToken[] = [];
  for (let r = 0; r < rows; r++) {
    const logp = logSoftmax(logits.subarray(r * V, (r + 1) * V));
    if (r < rows - 1) {
      surprisalBits[r] = -logp[tokens[r + 1]] / Math.LN2;
      if (r >= rows - 1 - keepTop) top.push(topTokens(logp, k));
    } else nextTop = topTokens(logp, k);
  }
  return { surprisalBits, top, nextTop };
}

/** Where next-token logits come from while generating: the cache (prefill, then one token per call) or, for a
 * graph without one, the forward over the last `window` tokens per token. */
export function tokenSource(session: HubRun, layout: DecoderLayout, o: { cache: boolean; chunk?: number; window: number; maxLength?: number }): KvDecoder {
  return layout.kind === 'no-cache' || !o.cache ? createWindowDecoder(session, layout, o.window) : createKvDecoder(session, layout, { chunk: o.chunk, maxLength: o.maxLength });
}

export { floatRows, forwardFeeds };
