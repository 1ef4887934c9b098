// 95% intervals for the evaluation: a percentile bootstrap over the sampling unit (a text window, a copy sequence),
// seeded so a rerun on the same values prints the same interval. The bootstrap needs no normality, which matters for
// accuracies near 0 or 1 and for the few windows a slow model gets at long contexts.
import { rng } from '../../src/state/presets';
import { quantile } from '../../src/engine/stats';

export interface Interval {
  mean: number;
  lo: number; // 2.5% quantile of the bootstrap means
  hi: number; // 97.5%
  n: number;
}

export function meanInterval(xs: readonly number[], resamples = 2000, seed = 1): Interval {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, lo: NaN, hi: NaN, n };
  const r = rng(seed);
  const means = new Array<number>(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[Math.floor(r() * n)];
    means[b] = s / n;
  }
  return { mean, lo: quantile(means, 0.025), hi: quantile(means, 0.975), n };
}

/** Mean of a[i] - b[i] over the units both were measured on (the first min(len) of one common order). */
export function pairedInterval(a: readonly number[], b: readonly number[]): Interval {
  const n = Math.min(a.length, b.length);
  return meanInterval(Array.from({ length: n }, (_, i) => a[i] - b[i]));
}

/** Wilson score interval (95%) for k successes in n trials: the recall evaluation's accuracies (a fraction of probes
 * right), which sit at 0 or 1 often, where a bootstrap gives a zero-width interval and Wald's leaves [0, 1]. */
export function wilson(k: number, n: number, z = 1.959964): { lo: number; hi: number } {
  const p = k / n;
  const den = 1 + (z * z) / n;
  const mid = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return { lo: Math.max(0, mid - half), hi: Math.min(1, mid + half) };
}
