import { describe, expect, it } from 'vitest';
import { median, quantile, timeRuns } from '../../src/engine/stats';

describe('stats', () => {
  it('median and type-7 quantiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.95)).toBeCloseTo(4.8);
    expect(quantile([7], 0.95)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('times the first run apart and repeats until both minimum count and minimum time', async () => {
    let clock = 0;
    const costs = [100, 5, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    let i = 0;
    const r = await timeRuns(async () => void (clock += costs[i++] ?? 1), { warmupRuns: 2, minRuns: 3, minTimeMs: 6, maxRuns: 50 }, () => clock);
    expect(r.firstRunMs).toBe(100);
    expect(r.samplesMs.length).toBe(6); // 3 runs reach minRuns at 3 ms, the time floor needs 6
    expect(r.samplesMs.every((s) => s === 1)).toBe(true);
  });

  it('warms up for a count and for a time, whichever takes longer', async () => {
    let clock = 0;
    let runs = 0;
    const r = await timeRuns(async () => void ((clock += 10), runs++), { warmupRuns: 1, warmupMs: 35, minRuns: 2, minTimeMs: 0, maxRuns: 2 }, () => clock);
    expect(runs).toBe(1 + 4 + 2); // the first run, 4 warm-ups (10, 20, 30, 40 ms >= 35), 2 timed
    expect(r.samplesMs).toEqual([10, 10]);
  });

  it('stops at maxRuns', async () => {
    let clock = 0;
    const r = await timeRuns(async () => void (clock += 0), { warmupRuns: 0, minRuns: 1, minTimeMs: 1e9, maxRuns: 7 }, () => clock);
    expect(r.samplesMs.length).toBe(7);
  });
});
