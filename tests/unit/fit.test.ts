// What the page refuses before running: a forward that cannot fit the backend, said in one sentence.
import { describe, expect, it } from 'vitest';
import { largestFitting, refusal } from '../../src/catalog/fit';
import { manifests } from './stateFixtures';

const byId = (id: string) => manifests.find((m) => m.id === id)!;
const wasm = { backend: 'wasm' as const };

describe('fits the backend', () => {
  it("the Transformer's advertised 16,384 on WASM: refused in words, with what to try; 8,192 (measured to run) is not", () => {
    const t = byId('transformer-compare');
    const r = refusal(t, 16384, wasm, { decodeLimit: 65536 })!;
    expect(r.sentence).toBe(
      'At 16,384 bytes one attention tensor alone needs about 4.0 GiB (estimate), and a WASM page can address less than 4 GiB in all; try the memory-efficient Transformer (the same attention, computed in blocks) or cached decoding (Continue), which keeps N keys per layer instead of N x N scores, or a smaller N.',
    );
    expect(r.needBytes).toBe(2 ** 32);
    expect(refusal(t, 8192, wasm)).toBeUndefined();
    expect(largestFitting(t, wasm)).toBe(8192);
  });
  it('every model that ran at its limit on WASM (docs/results.md) is offered there; the sparse pattern stops at 32,768', () => {
    for (const id of ['perceiver-ar-compare', 'memory-efficient-compare', 'sliding-window-compare', 'linear-transformer-compare', 'compressive-transformer-compare', 'transformer-xl-compare'])
      expect(largestFitting(byId(id), wasm), id).toBe(byId(id).config.maxContext);
    expect(largestFitting(byId('sparse-transformer-compare'), wasm)).toBe(32768);
    expect(refusal(byId('sparse-transformer-compare'), 65536, wasm)!.sentence).toContain('a family whose memory grows linearly with N');
  });
  it('WebGPU: one tensor over the binding limit', () => {
    const gpu = { backend: 'webgpu' as const, maxBindingBytes: 2 ** 30 };
    expect(refusal(byId('transformer-compare'), 8192, gpu)).toBeUndefined(); // exactly 1 GiB
    expect(refusal(byId('transformer-compare'), 16384, gpu)!.sentence).toContain('more than the 1.0 GiB this GPU binds in one buffer');
  });
});
