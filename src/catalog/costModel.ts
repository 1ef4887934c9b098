// Analytic cost of one forward pass over a window of N bytes, from a manifest's config: FLOPs (2 per
// multiply-add) and float32 memory of weights, activations and attention scores. An ESTIMATE, shown as one:
// runtimes fuse, reuse and pad buffers. The unfused graphs here keep about four score-sized tensors alive per
// attention (matmul, scale, mask, softmax), Perceiver AR's cross-attention two (measured), which is what is counted.
// It also predicts when one tensor exceeds a GPU binding limit. What the attention costs is its kind's (./kinds: one
// cost per kind, none per family); the embedding, output layer and totals are here.
import { F32 } from './kinds/common';
import { kindOfModel } from './facts';
import type { Shape } from './kinds/types';
import type { Manifest } from './manifest';
import { hubEstimate } from '../hub/estimate';

/** Analytic estimate from the manifest's config; always labelled as an estimate in the UI. */
export interface MemoryEstimate {
  weightsBytes: number;
  activationsBytes: number;
  attentionBytes: number; // largest attention score tensor alive at once
  cacheBytes: number; // Transformer-XL memory
  totalBytes: number;
  flops: number; // forward FLOPs for one pass over the window
  largestTensorBytes: number; // biggest single tensor: what must fit one GPU buffer binding
}

/** The per-layer shape the kinds' costs read (mlpMacs: the MLP's multiply-adds per position). */
export function shapeOf(m: Pick<Manifest, 'config'>): Shape {
  const { dModel: d, nHeads: H, nLayers: L, dFf: ff } = m.config;
  return { d, H, L, ff, mlpMacs: (m.config.activation === 'swiglu' ? 3 : 2) * d * ff };
}

export function estimate(m: Pick<Manifest, 'config' | 'parameters'>, n: number, numLatents?: number): MemoryEstimate {
  const { dModel: d, vocabSize: V, attention } = m.config;
  const c = kindOfModel(m).cost(attention, shapeOf(m), n, numLatents);
  const weightsBytes = m.parameters * F32;
  const logitsBytes = c.logitsRows * V * F32;
  const activationsBytes = c.activationsBytes + logitsBytes;
  const cacheBytes = c.cacheBytes ?? 0;
  return {
    weightsBytes,
    activationsBytes,
    attentionBytes: c.attentionBytes,
    cacheBytes,
    totalBytes: weightsBytes + activationsBytes + c.attentionBytes + cacheBytes,
    flops: c.flops + 2 * (c.predictedRows ?? c.logitsRows) * d * V,
    largestTensorBytes: Math.max(c.scoreTensor, logitsBytes),
  };
}

const NO_ESTIMATE: MemoryEstimate = { weightsBytes: 0, activationsBytes: 0, attentionBytes: 0, cacheBytes: 0, totalBytes: 0, flops: 0, largestTensorBytes: 0 };

/** The analytic estimate; none (zeros, never drawn) for a person's model whose architecture the page does not know;
 * a Hub decoder's from its graph and config (src/hub/estimate.ts). */
export const estimateOf = (m: Manifest, n: number, numLatents?: number) =>
  m.hub ? hubEstimate(m, n) : m.userModel && !m.userModel.fromManifest ? NO_ESTIMATE : estimate(m, n, numLatents);
