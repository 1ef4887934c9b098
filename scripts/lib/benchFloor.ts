// The floor of cached decoding (issue 21): per decoded byte at N, the time to copy once the state the step must read
// (at the memory bandwidth measured in the same run) plus the step's FLOPs at the backend's MatMul peak (same run).
// No step on that backend can be faster; the bench prints each model's ms per byte against it. Analytic, per kind of
// attention (multiply-adds x 2); the state is what the attention reads, not what a graph happens to be fed.
import { cacheLatents, defaultRefill } from '../../src/catalog/facts';
import type { Manifest } from '../../src/catalog/manifest';

const F32 = 4;

export interface DecodeCost {
  flops: number; // per decoded byte
  readBytes: number; // state read per decoded byte
}

/** Per decoded byte, the last step reading N positions (Perceiver AR: amortised over a refill period). */
export function decodeCost(m: Manifest, n: number, numLatents?: number): DecodeCost | undefined {
  const { dModel: d, nHeads: H, nLayers: L, dFf: ff, vocabSize: V, attention: a } = m.config;
  const mlp = (m.config.activation === 'swiglu' ? 3 : 2) * d * ff; // MACs per position
  const block = 4 * d * d + mlp; // a layer's projections and MLP, per position
  const head = d * V;
  /** A decoder whose layers each read `keys` cached keys and values. */
  const decoder = (keys: number, extraBytes = 0): DecodeCost => ({ flops: 2 * (L * (block + 2 * keys * d) + head), readBytes: 2 * L * keys * d * F32 + extraBytes });
  switch (a.kind) {
    case 'full':
    case 'blockwise': // the memory-efficient Transformer decodes with the Transformer's step graph
      return decoder(n);
    case 'window':
      return decoder(Math.min(n, a.window));
    case 'sparse-fixed': // its own block's keys and the summaries of the blocks before it
      return decoder(Math.min(n, (n % a.block) + 1) + a.summaries * Math.floor(n / a.block));
    case 'linear': {
      const dh = d / H; // per layer: read S [H, dh, dh] and z [H, dh], q S and S += k v^T
      return { flops: 2 * (L * (block + 2 * H * dh * dh) + head), readBytes: L * H * (dh * dh + dh) * F32 };
    }
    case 'segments': // memory plus, on average, half a segment; the compressed memory on top
      return decoder(a.memory + a.segment / 2 + (a.compressedMemory ?? 0));
    case 'latents': {
      const M = cacheLatents(m, numLatents)!;
      const F = defaultRefill(m.step!, M);
      const P = M - F + 1; // bytes per refill period: M - F steps, then one refill of F latents
      const cross = (q: number) => q * (5 * d * d + mlp + 2 * n * d); // q latents: k, v, q, o, z; MLP; over n keys
      const latent = (q: number, cached: number) => L * q * (block + 2 * cached * d);
      const step = cross(1) + latent(1, (F + M) / 2) + head;
      const refill = cross(F) + latent(F, F / 2) + F * head;
      const flops = (2 * ((P - 1) * step + refill)) / P;
      return { flops, readBytes: 2 * n * d * F32 + 2 * L * M * d * F32 };
    }
    default:
      return undefined;
  }
}

/** ms per byte: the state at `copyGBps` plus the FLOPs at `gflops`. */
export const floorMs = (c: DecodeCost, copyGBps: number, gflops: number) => c.readBytes / (copyGBps * 1e6) + c.flops / (gflops * 1e6);
