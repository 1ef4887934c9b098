// src/hub/hubRun.ts's pure parts: the top tokens of a 150k-entry row without a sort, surprisal per token.
import { describe, expect, it } from 'vitest';
import { scoreTokens, topTokens } from '../../src/hub/hubRun';
import { seededRandom } from '../../src/engine/sampling';
import { hubEstimate } from '../../src/hub/estimate';
import { hubHeapRefusal } from '../../src/engine/hub';
import type { DecoderLayout } from '../../src/hub/layout';
import type { Manifest } from '../../src/catalog/manifest';

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

describe('Hub decoders: memory at N, and refusals before running past the WASM heap', () => {
  // Qwen2.5-0.5B's shapes (24 layers, 2 key-value heads of 64, 14 heads, vocabulary 151,936), fp32 weights ~1.9 GiB
  const layout = { kind: 'with-past', layers: Array.from({ length: 24 }, (_, i) => ({ past: [`p.${i}.k`, `p.${i}.v`], present: [`q.${i}.k`, `q.${i}.v`] })), kvHeads: 2, headDim: 64, cacheType: 'float32' } as unknown as DecoderLayout;
  const m = {
    config: { vocabSize: 151936, nHeads: 14 },
    hub: { layout, weightsBytes: 1.9 * 2 ** 30, largestWeightBytes: 151936 * 896 * 4, fusedAttention: false },
  } as unknown as Manifest;

  it('weights, logits and the cache exact; the score matrices an estimate, none with a fused attention op', () => {
    const e = hubEstimate(m, 1024);
    expect(e.activationsBytes).toBe(1024 * 151936 * 4);
    expect(e.cacheBytes).toBe(2 * 24 * 2 * 64 * 4 * 1024);
    expect(e.attentionBytes).toBe(14 * 1024 * 1024 * 4);
    expect(hubEstimate({ ...m, hub: { ...m.hub!, fusedAttention: true } }, 1024).attentionBytes).toBe(0);
  });

  it('a forward whose logits overflow the heap is refused with the figures; decoding goes further', () => {
    expect(hubHeapRefusal(m, 1024, 'forward')).toBeUndefined();
    const r = hubHeapRefusal(m, 4096, 'forward')!;
    expect(r.kind).toBe('out-of-memory');
    expect(r.message).toMatch(/logits for 4,096 tokens are 2\.32 GiB \(4,096 x 151,936 x 4 bytes/);
    expect(hubHeapRefusal(m, 32768, 'decode')).toBeUndefined(); // 24 KiB a position: 0.75 GiB at 32k
    expect(hubHeapRefusal(m, 131072, 'decode')!.message).toMatch(/key-value cache for 131,072 positions is 3\.00 GiB/);
  });
});
