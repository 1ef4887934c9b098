// What a Hub decoder needs at N, for the memory chart and the page's refusals before running (pure; the cost model
// asks here for a manifest with `hub`).
import type { MemoryEstimate } from '../catalog/costModel';
import type { Manifest } from '../catalog/manifest';
import { logitsBytes } from './hubRun';
import { cacheBytes } from './layout';

/**
 * What a forward over N tokens and cached decoding of N positions need, exactly where the graph says it (weights,
 * logits N x V, the key-value cache) and as an estimate where it does not (the attention scores of all heads in one
 * tensor, as a graph without a fused attention operator holds them). Labelled an estimate with the rest in the page.
 */
export function hubEstimate(m: Pick<Manifest, 'hub' | 'config'>, n: number): MemoryEstimate {
  const h = m.hub!;
  const logits = logitsBytes(n, m.config.vocabSize);
  const scores = h.fusedAttention ? 0 : m.config.nHeads * n * n * 4; // a fused attention op holds no score matrix
  const cache = cacheBytes(h.layout, n) ?? 0;
  return {
    weightsBytes: h.weightsBytes,
    activationsBytes: logits,
    attentionBytes: scores,
    cacheBytes: cache,
    totalBytes: h.weightsBytes + logits + scores + cache,
    flops: 0, // not known from the graph: the page draws no GFLOP/s for it
    largestTensorBytes: Math.max(logits, scores, h.largestWeightBytes),
  };
}

