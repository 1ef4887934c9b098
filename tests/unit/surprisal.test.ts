import { describe, expect, it } from 'vitest';
import { logSoftmax, score, topK } from '../../src/engine/surprisal';

describe('surprisal', () => {
  it('log-softmax is stable for large logits and sums to one', () => {
    const lp = logSoftmax([1000, 1000, 1000, 1000]);
    expect(lp[0]).toBeCloseTo(Math.log(0.25));
    const p = Array.from(logSoftmax([3, -2, 0.5])).reduce((s, x) => s + Math.exp(x), 0);
    expect(p).toBeCloseTo(1);
  });

  it('uniform logits give 8 bits per byte; row r scores the byte after it', () => {
    const V = 256;
    const window = Uint8Array.from([10, 20, 30, 40]);
    const logits = new Float32Array(4 * V); // uniform everywhere
    logits[1 * V + 30] = 50; // row 1 is sure the next byte is 30: the byte at offset 2
    const s = score(logits, 4, V, window, 0);
    expect(s.surprisalBits.length).toBe(3);
    expect(s.surprisalBits[0]).toBeCloseTo(8);
    expect(s.surprisalBits[1]).toBeCloseTo(0, 4);
    expect(s.top[1][0].byte).toBe(30);
    expect(s.nextTop.length).toBe(5);
  });

  it('covers only the last rows for latent models (start > 0)', () => {
    const V = 256;
    const window = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const logits = new Float32Array(2 * V);
    logits[0 * V + 6] = 50; // the row at offset 4 predicts offset 5 = byte 6
    const s = score(logits, 2, V, window, 4);
    expect(s.surprisalBits.length).toBe(1);
    expect(s.surprisalBits[0]).toBeCloseTo(0, 4);
  });

  it('topK orders by probability', () => {
    const t = topK(logSoftmax([0, 5, 2, 9]), 3);
    expect(t.map((x) => x.byte)).toEqual([3, 1, 2]);
    expect(t[0].p).toBeGreaterThan(t[1].p);
  });
});
