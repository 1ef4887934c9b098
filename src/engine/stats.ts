// Latency statistics. Quantiles use linear interpolation between order statistics (Hyndman-Fan type 7,
// the default of NumPy and R), so p95 of few samples is an interpolation, not the maximum.
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const median = (samples: readonly number[]) => quantile(samples, 0.5);

export interface RunPolicy {
  warmupRuns: number;
  /**
   * Warm up for at least this long too (default 0). V8 runs WebAssembly in baseline code until a function has run
   * a while, and compiles it optimised in the background: short runs need time, not a count, to reach that code.
   */
  warmupMs?: number;
  minRuns: number;
  minTimeMs: number;
  maxRuns: number;
}

export const DEFAULT_POLICY: RunPolicy = { warmupRuns: 2, minRuns: 5, minTimeMs: 1000, maxRuns: 50 };

/**
 * First run (shader compile, allocation) timed apart, then warm-ups, then timed runs until both minRuns and
 * minTimeMs are reached (at most maxRuns).
 */
export async function timeRuns(
  run: () => Promise<void>,
  policy: RunPolicy,
  now: () => number = () => performance.now(),
): Promise<{ firstRunMs: number; samplesMs: number[] }> {
  let t = now();
  await run();
  const firstRunMs = now() - t;
  const warmStart = now();
  for (let i = 0; i < policy.warmupRuns || now() - warmStart < (policy.warmupMs ?? 0); i++) await run();
  const samplesMs: number[] = [];
  const start = now();
  while (samplesMs.length < policy.maxRuns && (samplesMs.length < policy.minRuns || now() - start < policy.minTimeMs)) {
    t = now();
    await run();
    samplesMs.push(now() - t);
  }
  return { firstRunMs, samplesMs };
}
