import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/catalog/costModel';
import type { Manifest } from '../../src/catalog/manifest';

const config = { vocabSize: 256, dModel: 128, nHeads: 4, nLayers: 4, dFf: 512, activation: 'relu', norm: 'layernorm', positions: 'rotary', maxContext: 65536, trainedContext: 512, attention: { kind: 'full' } } as Manifest['config'];
type Model = Pick<Manifest, 'config' | 'parameters'>;
const withAttention = (attention: Manifest['config']['attention'], extra: Partial<Manifest['config']> = {}, parameters = 859136): Model => ({
  config: { ...config, ...extra, attention },
  parameters,
});
const tf: Model = { config, parameters: 859136 };
const pa = withAttention({ kind: 'latents', latents: 256 }, { nLayers: 3 }, 875904);
const xl = withAttention({ kind: 'segments', segment: 256, memory: 256 }, {}, 923904);
const compressive = withAttention({ kind: 'segments', segment: 256, memory: 256, compressedMemory: 256, compressionRate: 4 }, {}, 1185536);
const chunked = withAttention({ kind: 'blockwise', queryChunk: 256, keyChunk: 2048 });
const window = withAttention({ kind: 'window', window: 256 });
const sparse = withAttention({ kind: 'sparse-fixed', block: 128, summaries: 8 });
const linear = withAttention({ kind: 'linear', chunk: 64, featureMap: 'elu(x)+1' });

describe('cost model', () => {
  it('decoder attention memory grows quadratically, Perceiver AR linearly, XL stays flat', () => {
    expect(estimate(tf, 8192).attentionBytes / estimate(tf, 4096).attentionBytes).toBeCloseTo(4);
    expect(estimate(pa, 8192).attentionBytes / estimate(pa, 4096).attentionBytes).toBeCloseTo(2);
    expect(estimate(xl, 8192).attentionBytes).toBe(estimate(xl, 4096).attentionBytes);
  });
  it('the full attention matrix is H*N*N*4 bytes', () => {
    expect(estimate(tf, 8192).largestTensorBytes).toBe(4 * 8192 * 8192 * 4);
  });
  it("Perceiver AR's FLOPs per doubling approach 2x while the Transformer's approach 4x", () => {
    const r = (m: Model, n: number) => estimate(m, 2 * n).flops / estimate(m, n).flops;
    expect(r(pa, 32768)).toBeLessThan(2.01);
    expect(r(tf, 32768)).toBeGreaterThan(3.5);
  });
  it('more latents cost more; latents are capped at N', () => {
    expect(estimate(pa, 4096, 1024).flops).toBeGreaterThan(estimate(pa, 4096, 256).flops);
    expect(estimate(pa, 100, 1024).flops).toBe(estimate(pa, 100, 100).flops);
  });
  it('chunked exact attention: the Transformer\'s quadratic time at about half the products, a constant score block', () => {
    const r = (m: Model, n: number) => estimate(m, 2 * n).flops / estimate(m, n).flops;
    expect(r(chunked, 32768)).toBeGreaterThan(3.5);
    expect(estimate(chunked, 16384).flops).toBeLessThan(0.6 * estimate(tf, 16384).flops);
    expect(estimate(chunked, 65536).attentionBytes).toBe(estimate(chunked, 4096).attentionBytes);
    expect(estimate(chunked, 65536).largestTensorBytes).toBe(65536 * 256 * 4); // the logits, not a score tensor
  });
  it('window and linear attention grow linearly; the fixed sparse pattern as N x (block + N x summaries / block)', () => {
    for (const m of [window, linear]) expect(estimate(m, 65536).attentionBytes / estimate(m, 32768).attentionBytes).toBeCloseTo(2);
    const scores = (n: number) => 4 * n * (128 + (n / 128) * 8) * 4; // heads x N x (l + N c / l) floats
    expect(estimate(sparse, 16384).attentionBytes).toBe(3 * scores(16384));
    expect(estimate(tf, 16384).attentionBytes / estimate(sparse, 16384).attentionBytes).toBeGreaterThan(10);
  });
  it('a compressed memory adds keys to every segment but stays flat in N', () => {
    expect(estimate(compressive, 8192).attentionBytes).toBe(estimate(compressive, 4096).attentionBytes);
    expect(estimate(compressive, 4096).attentionBytes / estimate(xl, 4096).attentionBytes).toBeCloseTo(768 / 512);
    expect(estimate(compressive, 4096).cacheBytes).toBe(2 * estimate(xl, 4096).cacheBytes);
  });
  it('weights are parameters x 4 bytes', () => {
    expect(estimate(tf, 256).weightsBytes).toBe(859136 * 4);
  });
});
