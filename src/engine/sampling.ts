// Picking the next byte from a row of logits: greedy (argmax) at temperature 0, else softmax(logits / T) over the
// k most likely bytes, drawn with a seeded generator so that a seed reproduces a continuation.

export interface Sampling {
  temperature: number; // 0: greedy
  topK: number; // 1..V; V: no cut
}

// One PRNG for the page (src/tasks/rng.ts, mirrored in models/tasks.py).
export { seededRandom } from '../tasks/rng';

/** The most likely byte; on a tie the lowest byte (as a stable sort of the forward's top bytes would list it). */
export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

export function sampleNext(row: ArrayLike<number>, o: Sampling, random: () => number): number {
  if (o.temperature <= 0 || o.topK <= 1) return argmax(row);
  const idx = Array.from({ length: row.length }, (_, i) => i)
    .sort((a, b) => row[b] - row[a] || a - b)
    .slice(0, Math.min(o.topK, row.length));
  const top = row[idx[0]];
  const w = idx.map((i) => Math.exp((row[i] - top) / o.temperature));
  let r = random() * w.reduce((a, b) => a + b, 0);
  for (let j = 0; j < idx.length; j++) if ((r -= w[j]) <= 0) return idx[j];
  return idx[idx.length - 1];
}
