// mulberry32: a small 32-bit generator; the same seed gives the same draws on every platform, and models/tasks.py
// mirrors it in 32-bit integer arithmetic (the page's probes and the training/evaluation probes are the same bytes).

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** floor(random() * n): an integer in [0, n); exact (the same as Python's (u32 * n) >> 32) for n < 2^21. */
export function below(random: () => number, n: number): number {
  return Math.floor(random() * n);
}
