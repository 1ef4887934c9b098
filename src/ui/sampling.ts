// Picking the next byte of a continuation from the model's top candidates.
import type { TopByte } from '../engine/types';

/** Samples among the k most likely bytes (the engine returns the top 5) with temperature; T = 0 is greedy. */
export function sampleByte(top: TopByte[], temperature: number, k: number, random = Math.random): number {
  const cands = top.slice(0, Math.max(1, k));
  if (temperature <= 0) return cands[0].byte;
  const w = cands.map((t) => Math.pow(t.p, 1 / temperature));
  let r = random() * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < cands.length; i++) if ((r -= w[i]) <= 0) return cands[i].byte;
  return cands[cands.length - 1].byte;
}
