// How recall is scored and its probes seeded, for the page (src/state/recall*) and the offline evaluation
// (scripts/evaluateRecall.ts) alike: the same probes for the same lists, the same intervals.

/** Wilson score interval (95%) for k successes in n trials. */
export function wilson(k: number, n: number, z = 1.959964): { lo: number; hi: number } {
  if (n <= 0) return { lo: 0, hi: 1 };
  const p = k / n;
  const den = 1 + (z * z) / n;
  const mid = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return { lo: Math.max(0, mid - half), hi: Math.min(1, mid + half) };
}

/** The curves, numbered as the offline evaluation numbers them (its seed layout). */
export const CURVES = { 'mqar-distance': 0, 'mqar-pairs': 1, needle: 2, 'mirrored-copy': 3 } as const;
export type Curve = keyof typeof CURVES;

/** Most probes per point, and most points per curve (a needle point is 10 x its length's index + its depth's). */
export const MAX_PROBES = 1000;
export const MAX_POINTS = 100;

/** The seed of probe i at point p of a curve, given the run's seed: seed + 100,000 curve + 1,000 p + i. */
export const probeSeed = (seed: number, curve: Curve, p: number, i: number) => seed + 100_000 * CURVES[curve] + 1000 * p + i;
