// The floor of cached decoding (issue 21): per decoded byte at N, the time to copy once the state the step must read
// (at the memory bandwidth measured in the same run) plus the step's FLOPs at the backend's MatMul peak (same run).
// No step on that backend can be faster; the bench prints each model's ms per byte against it. Analytic, per kind of
// attention (its `decodeCost`, src/catalog/kinds/<kind>.ts; multiply-adds x 2); the state is what the attention reads,
// not what a graph happens to be fed.
import { shapeOf } from '../../src/catalog/costModel';
import { cacheLatents, defaultRefill, kindOfModel } from '../../src/catalog/facts';
import type { DecodeCost } from '../../src/catalog/kinds/types';
import type { Manifest } from '../../src/catalog/manifest';

export type { DecodeCost };

/** Per decoded byte, the last step reading N positions (Perceiver AR: amortised over a refill period). */
export function decodeCost(m: Manifest, n: number, numLatents?: number): DecodeCost | undefined {
  const M = cacheLatents(m, numLatents);
  const latents = M !== undefined && m.step ? { M, F: defaultRefill(m.step, M) } : undefined;
  return kindOfModel(m).decodeCost?.(m.config.attention, { ...shapeOf(m), V: m.config.vocabSize }, n, latents);
}

/** ms per byte: the state at `copyGBps` plus the FLOPs at `gflops`. */
export const floorMs = (c: DecodeCost, copyGBps: number, gflops: number) => c.readBytes / (copyGBps * 1e6) + c.flops / (gflops * 1e6);
