import { describe, expect, it } from 'vitest';
import { meanInterval, pairedInterval, wilson } from '../../scripts/lib/intervals';
import { rng } from '../../src/state/presets';

describe('bootstrap intervals', () => {
  it('covers the mean with the normal-theory width for many samples', () => {
    const r = rng(5);
    const xs = Array.from({ length: 400 }, () => 2 + (r() - 0.5)); // uniform: sd = 1/sqrt(12)
    const iv = meanInterval(xs);
    const se = 1 / Math.sqrt(12) / Math.sqrt(400);
    expect(iv.lo).toBeLessThan(iv.mean);
    expect(iv.hi).toBeGreaterThan(iv.mean);
    expect((iv.hi - iv.lo) / 2).toBeGreaterThan(1.6 * se);
    expect((iv.hi - iv.lo) / 2).toBeLessThan(2.3 * se);
    expect(meanInterval(xs)).toEqual(iv); // seeded
  });

  it('pairs units: a shared offset cancels, a constant difference has a zero-width interval', () => {
    const a = [3, 1, 4, 1, 5, 9, 2, 6];
    const b = a.map((x) => x - 0.5);
    const iv = pairedInterval(a, [...b, 100]); // the extra unit of b has no partner and is ignored
    expect(iv).toEqual({ mean: 0.5, lo: 0.5, hi: 0.5, n: 8 });
    expect(meanInterval([1]).lo).toBeNaN();
  });
});

describe('Wilson intervals (recall accuracies)', () => {
  it('matches the textbook values and stays inside [0, 1] at 0 and n', () => {
    const r = (x: number) => Math.round(x * 1000) / 1000;
    const a = wilson(48, 50); // 0.96: [0.865, 0.989]
    expect([r(a.lo), r(a.hi)]).toEqual([0.865, 0.989]);
    const z = wilson(0, 50);
    expect(z.lo).toBe(0);
    expect(r(z.hi)).toBe(0.071);
    const all = wilson(10, 10);
    expect(r(all.lo)).toBe(0.722);
    expect(r(all.hi)).toBe(1);
  });
});
