// The Based kind (src/catalog/kinds/based.ts): cost linear in N, a decoding state of one size, any length decodes.
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/catalog/costModel';
import { decodesAnyLength, describeAttention } from '../../src/catalog/facts';
import { createDecoder, stateBytes } from '../../src/engine/stepRunner';
import { load, recorder } from './fakeStep';

const m = load('based-tiny');
const recallShape = { ...m, config: { ...m.config, dModel: 128, nHeads: 4, dFf: 512, attention: { ...m.config.attention, featureDim: 16, window: 64, chunk: 128 } } } as typeof m;
const full = { ...recallShape, config: { ...recallShape.config, attention: { kind: 'full' as const } } };

describe('based kind', () => {
  it('costs time and memory linear in N (full attention: quadratic)', () => {
    const r = (x: typeof m, key: 'flops' | 'attentionBytes', n: number) => estimate(x, 2 * n)[key] / estimate(x, n)[key];
    for (const key of ['flops', 'attentionBytes'] as const) {
      expect(r(recallShape, key, 16384)).toBeCloseTo(2, 2);
      expect(r(full, key, 16384)).toBeGreaterThan(3.5);
    }
  });

  it('names its mixers and its state in words', () => {
    expect(describeAttention(m.config.attention)).toBe(
      '2 layers, each a short convolution (kernel 3) then one mixer: 1 linear attention with Taylor features (1 head × 73), 1 sliding window of 16 (memory and time linear in N, a decoding state of one size)',
    );
  });

  it('decodes any number of bytes in a state whose size does not depend on the capacity', async () => {
    expect(decodesAnyLength(m)).toBe(true);
    const { dModel: d, nHeads: H } = m.config;
    const { featureDim: f, window: w, shortConv: k } = m.config.attention as { featureDim: number; window: number; shortConv: number };
    const F = 1 + f + f * f;
    // convolutions of both layers, the linear layer's sums (1 head of d channels), the window layer's keys and values
    expect(stateBytes(m, 10)).toBe(4 * (2 * (k - 1) * d + F * d + F + 2 * (w - 1) * H * (d / H)));
    expect(stateBytes(m, 1 << 20)).toBe(stateBytes(m, 10));
    const { run, calls } = recorder(m);
    const dec = createDecoder(run, m, { capacity: 10, chunk: 64 });
    await dec.append(new Uint8Array(100));
    await dec.append([1]);
    expect(dec.maxLength).toBe(Number.POSITIVE_INFINITY);
    expect(calls.map((c) => c.past)).toEqual([0, 64, 100]);
  });
});
