// Verdicts from a prediction's kept top guesses: a needle retrieved or not (with ranks), the bytes of a copy right.
import { describe, expect, it } from 'vitest';
import type { Prediction, TopByte } from '../../src/engine/types';
import { copyScore, guessesAt, retrieval } from '../../src/ui/verdictData';

// a 20-byte input; the model read the last 12 (window offsets 0..11 = input 8..19) and kept guesses for offsets 4..11
const bytes = Uint8Array.from({ length: 20 }, (_, i) => 65 + i);
const top = (first: number, ...rest: number[]): TopByte[] => [first, ...rest].map((byte, i) => ({ byte, p: 0.5 / (i + 1) }));
const pred = (tops: TopByte[][]): Prediction => ({
  modelId: 'x', backend: 'wasm', contextLength: 12, requestedContext: 12, windowStart: 8, coveredStart: 0, scoredStart: 1, surprisalBits: Array(11).fill(1), bitsPerByte: 1,
  top: tops, topStart: 12 - tops.length, nextTop: [], latencyMs: 1,
});

describe('verdicts', () => {
  it('guesses are found by input offset, only where kept', () => {
    const p = pred(Array.from({ length: 8 }, (_, i) => top(65 + 12 + i)));
    expect(guessesAt(p, 12)?.[0].byte).toBe(77);
    expect(guessesAt(p, 11)).toBeUndefined();
    expect(guessesAt(p, 20)).toBeUndefined();
  });
  it('a needle: retrieved when every answer byte is the first guess; ranks otherwise; planted in or out of the window', () => {
    const answer = { start: 18, length: 2 };
    const right = pred([...Array.from({ length: 6 }, () => top(0)), top(bytes[18]), top(bytes[19])]);
    expect(retrieval(right, bytes, answer, { start: 10, length: 3 })).toMatchObject({ scored: true, retrieved: true, plantedInWindow: true, guesses: [{ rank: 1 }, { rank: 1 }] });
    const second = pred([...Array.from({ length: 6 }, () => top(0)), top(1, 2, bytes[18]), top(bytes[19])]);
    const r = retrieval(second, bytes, answer, { start: 2, length: 3 });
    expect(r).toMatchObject({ retrieved: false, plantedInWindow: false, guesses: [{ top1: 1, rank: 3 }, { rank: 1 }] });
    expect(retrieval(pred([top(0)]), bytes, answer, { start: 10, length: 3 }).scored).toBe(false); // answer bytes not among the kept guesses
  });
  it('a copy: bytes right by first guess, and which could be copied (source inside the window)', () => {
    // the input's bytes 12..19 repeat bytes 12 - 6 .. 19 - 6; the window starts at 8, so sources 6 and 7 are outside it
    const tops = Array.from({ length: 8 }, (_, i) => top(i % 2 ? 0 : bytes[12 + i]));
    const s = copyScore(pred(tops), bytes, 12, 20, (at) => at - 6);
    expect(s).toEqual({ guessed: 8, right: 4, reachable: 6, rightReachable: 3 });
  });
});
