// Analytic cost of one forward pass over a window of N bytes, from a manifest's config: FLOPs (2 per
// multiply-add) and float32 memory of weights, activations and attention scores. An ESTIMATE, shown as one:
// runtimes fuse, reuse and pad buffers. The unfused decoders keep about four score-sized tensors alive per
// attention (matmul, scale, mask, softmax), Perceiver AR's cross-attention two (measured), which is what is counted.
// It also predicts when one tensor exceeds a GPU binding limit.
import type { Manifest } from './manifest';
import type { MemoryEstimate } from '../engine/types';

const F32 = 4;

export function estimate(m: Pick<Manifest, 'family' | 'config' | 'parameters'>, n: number, numLatents?: number): MemoryEstimate {
  const { dModel: d, nHeads: H, nLayers: L, dFf: ff, vocabSize: V } = m.config;
  const mlpMacs = (m.config.activation === 'swiglu' ? 3 : 2) * d * ff; // per position
  const weightsBytes = m.parameters * F32;
  let flops: number, attentionBytes: number, scoreTensor: number, activationsBytes: number, cacheBytes = 0, logitsRows: number;

  if (m.family === 'perceiver-ar') {
    const M = Math.min(numLatents ?? m.config.latents ?? n, n);
    const cross = 2 * (2 * n * d * d + 3 * M * d * d + 2 * M * n * d + M * mlpMacs); // k,v over N; q,o,z over M
    const stack = L * 2 * (M * 4 * d * d + 2 * M * M * d + M * mlpMacs);
    flops = cross + stack + 2 * M * d * V;
    scoreTensor = H * M * n * F32;
    // Two M x N score tensors are alive at once (the scores entering the softmax and its probabilities; only the
    // latents' M x M block is masked): measured WASM heap 1.33 GB at 131,072 bytes, 2.64 GB at 262,144.
    attentionBytes = 2 * scoreTensor;
    activationsBytes = (4 * n * d + 6 * M * d + M * ff) * F32;
    logitsRows = M;
  } else if (m.family === 'transformer-xl') {
    const S = m.config.segmentLength ?? 256;
    const mem = m.config.memoryLength ?? 256;
    const segments = Math.ceil(n / S);
    const k = S + mem;
    const perSegment = L * 2 * (3 * k * d * d + k * d * d + S * d * d + 2 * 2 * S * k * d + S * mlpMacs) + 2 * S * d * V;
    flops = segments * perSegment;
    scoreTensor = H * S * k * F32;
    attentionBytes = 5 * scoreTensor; // content and position scores, their sum, masked, probabilities
    activationsBytes = (6 * k * d + S * ff) * F32;
    cacheBytes = 2 * L * mem * d * F32; // memory in and out of each step
    logitsRows = S;
  } else {
    flops = L * 2 * (n * 4 * d * d + 2 * n * n * d + n * mlpMacs) + 2 * n * d * V;
    scoreTensor = H * n * n * F32;
    attentionBytes = 4 * scoreTensor; // scores, scaled, masked, probabilities: the O(N^2) wall
    activationsBytes = (6 * n * d + n * ff) * F32;
    logitsRows = n;
  }
  const logitsBytes = logitsRows * V * F32;
  activationsBytes += logitsBytes;
  return {
    weightsBytes,
    activationsBytes,
    attentionBytes,
    cacheBytes,
    totalBytes: weightsBytes + activationsBytes + attentionBytes + cacheBytes,
    flops,
    largestTensorBytes: Math.max(scoreTensor, logitsBytes),
  };
}
