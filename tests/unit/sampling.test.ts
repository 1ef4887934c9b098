// Continue's sampler: greedy at temperature 0, softmax(logits / T) over the top k otherwise, reproducible by seed.
import { describe, expect, it } from 'vitest';
import { argmax, sampleNext, seededRandom } from '../../src/engine/sampling';

const row = Float32Array.from([0, Math.log(3), Math.log(6), -Infinity, Math.log(1)]); // p = 0.3, 0.6, 0.1 over bytes 1, 2, 4 (and 0: 0.1 too)

describe('sampling', () => {
  it('temperature 0 or top-k 1 is the argmax, the lowest byte on a tie', () => {
    expect(sampleNext(row, { temperature: 0, topK: 5 }, () => 0.99)).toBe(2);
    expect(sampleNext(row, { temperature: 1, topK: 1 }, () => 0.99)).toBe(2);
    expect(argmax([1, 3, 3, 0])).toBe(1);
  });

  it('draws in proportion to exp(logit / T) among the top k', () => {
    // at T = 1 the weights are 6, 3, 1, 1 (bytes 2, 1, 0, 4: a tie keeps the lower byte first); total 11
    expect(sampleNext(row, { temperature: 1, topK: 5 }, () => 0.5)).toBe(2); // 5.5 < 6
    expect(sampleNext(row, { temperature: 1, topK: 5 }, () => 0.7)).toBe(1); // 6 <= 7.7 < 9
    expect(sampleNext(row, { temperature: 1, topK: 5 }, () => 0.85)).toBe(0); // 9 <= 9.35 < 10
    expect(sampleNext(row, { temperature: 1, topK: 2 }, () => 0.95)).toBe(1); // bytes 0 and 4 are outside the top 2
    // a high temperature flattens: at T = 100 the four weights are nearly equal, so 0.7 lands on the third
    expect(sampleNext(row, { temperature: 100, topK: 5 }, () => 0.7)).toBe(0);
  });

  it('a seed gives the same draws again, another seed others', () => {
    const draws = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(draws(7)).toEqual(draws(7));
    expect(draws(7)).not.toEqual(draws(8));
    for (const x of draws(123)) expect(x >= 0 && x < 1).toBe(true);
  });
});
