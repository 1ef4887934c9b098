import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/catalog/costModel';
import type { Manifest } from '../../src/catalog/manifest';

const config = { vocabSize: 256, dModel: 128, nHeads: 4, nLayers: 4, dFf: 512, activation: 'relu', norm: 'layernorm', positions: 'rotary', maxContext: 65536, trainedContext: 512 } as Manifest['config'];
const tf = { family: 'transformer', config, parameters: 859136 } as const;
const pa = { family: 'perceiver-ar', config: { ...config, nLayers: 3, latents: 256 }, parameters: 875904 } as const;
const xl = { family: 'transformer-xl', config: { ...config, segmentLength: 256, memoryLength: 256 }, parameters: 923904 } as const;

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
    const r = (m: typeof tf | typeof pa, n: number) => estimate(m, 2 * n).flops / estimate(m, n).flops;
    expect(r(pa, 32768)).toBeLessThan(2.01);
    expect(r(tf, 32768)).toBeGreaterThan(3.5);
  });
  it('more latents cost more; latents are capped at N', () => {
    expect(estimate(pa, 4096, 1024).flops).toBeGreaterThan(estimate(pa, 4096, 256).flops);
    expect(estimate(pa, 100, 1024).flops).toBe(estimate(pa, 100, 100).flops);
  });
  it('weights are parameters x 4 bytes', () => {
    expect(estimate(tf, 256).weightsBytes).toBe(859136 * 4);
  });
});
