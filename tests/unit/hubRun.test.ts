// src/hub/hubRun.ts's pure parts: the top tokens of a 150k-entry row without a sort, surprisal per token.
import { describe, expect, it } from 'vitest';
import { scoreTokens, topTokens } from '../../src/hub/hubRun';
import { seededRandom } from '../../src/engine/sampling';

describe('hub scoring', () => {
  it('topTokens gives what a full sort gives, largest first', () => {
    const rand = seededRandom(3);
    const row = Float64Array.from({ length: 151_936 }, () => rand() * 20 - 10);
    const sorted = Array.from(row.keys()).sort((a, b) => row[b] - row[a]).slice(0, 5);
    expect(topTokens(row, 5).map((t) => t.id)).toEqual(sorted);
    expect(topTokens(Float64Array.of(-1, -3, -2), 5).map((t) => t.id)).toEqual([0, 2, 1]);
  });

  it('scores token r + 1 with row r, in bits', () => {
    // V = 4; row 0 puts all mass on token 2, row 1 is uniform
    const big = 50;
    const logits = Float32Array.of(0, 0, big, 0, 1, 1, 1, 1);
    const s = scoreTokens(logits, 2, 4, [7, 2], 2);
    expect(s.surprisalBits).toHaveLength(1);
    expect(s.surprisalBits[0]).toBeCloseTo(0, 5);
    for (const t of s.nextTop) expect(t.p).toBeCloseTo(0.25, 12);
    expect(s.top[0][0]).toMatchObject({ id: 2 });
    expect(scoreTokens(logits, 2, 4, [7, 0]).surprisalBits[0]).toBeCloseTo(big / Math.LN2, 3);
  });
});
