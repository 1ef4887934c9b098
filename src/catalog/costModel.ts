// Analytic cost of one forward pass over a window of N bytes, from a manifest's config: FLOPs (2 per
// multiply-add) and float32 memory of weights, activations and attention scores. An ESTIMATE, shown as one:
// runtimes fuse, reuse and pad buffers. The unfused graphs here keep about four score-sized tensors alive per
// attention (matmul, scale, mask, softmax), Perceiver AR's cross-attention two (measured), which is what is counted.
// It also predicts when one tensor exceeds a GPU binding limit. One branch per attention kind (config.attention), none
// per family: a new family with a known kind needs no change here.
import type { Attention, Manifest } from './manifest';
import type { MemoryEstimate } from '../engine/types';

const F32 = 4;
const SCORE_COPIES = 4; // scores, scaled, masked, probabilities

type Shape = { d: number; H: number; L: number; ff: number; mlpMacs: number };

/** What one kind of attention costs over n positions, besides the embedding and the output layer. */
interface AttentionCost {
  flops: number; // every layer: projections, attention, MLP
  scoreTensor: number; // bytes of the largest score-like tensor
  attentionBytes: number; // score-like tensors alive at once
  activationsBytes: number;
  cacheBytes?: number; // state carried between steps (Transformer-XL's memories)
  logitsRows: number; // rows of logits one graph run returns
  predictedRows?: number; // rows the output layer computes over the whole window (default logitsRows)
}

const roundUp = (n: number, k: number) => Math.ceil(n / k) * k;

/** FLOPs of L decoder layers over n positions whose attention costs `scoreMacs` multiply-adds per layer. */
function decoder({ d, L, mlpMacs }: Shape, n: number, scoreMacs: number): number {
  return L * 2 * (n * 4 * d * d + scoreMacs + n * mlpMacs);
}

function attentionCost(a: Attention, s: Shape, n: number, numLatents?: number): AttentionCost {
  const { d, H, L, ff } = s;
  switch (a.kind) {
    case 'full': {
      const scoreTensor = H * n * n * F32;
      return { flops: decoder(s, n, 2 * n * n * d), scoreTensor, attentionBytes: SCORE_COPIES * scoreTensor, activationsBytes: (6 * n * d + n * ff) * F32, logitsRows: n };
    }
    case 'blockwise': {
      // query chunks against the key chunks up to their diagonal: about half of N^2, one chunk pair alive at a time
      let products = 0;
      for (let q0 = 0; q0 < n; q0 += a.queryChunk) products += (Math.min(q0 + a.queryChunk, n) - q0) * Math.min(q0 + a.queryChunk, n);
      const scoreTensor = H * Math.min(a.queryChunk, n) * Math.min(a.keyChunk, n) * F32;
      return { flops: decoder(s, n, 2 * products * d), scoreTensor, attentionBytes: SCORE_COPIES * scoreTensor, activationsBytes: (8 * n * d + n * ff) * F32, logitsRows: n };
    }
    case 'window': {
      // blocks of w: each scores its own block and the one before (2w keys), the band keeps w
      const np = roundUp(n, a.window);
      const scoreTensor = H * np * 2 * a.window * F32;
      return { flops: decoder(s, n, 2 * np * 2 * a.window * d), scoreTensor, attentionBytes: SCORE_COPIES * scoreTensor, activationsBytes: (10 * np * d + n * ff) * F32, logitsRows: n };
    }
    case 'sparse-fixed': {
      // own block (l keys) and the summaries of every block (N/l * c keys): N * (l + c N / l) scores per head
      const np = roundUp(n, a.block);
      const summaries = (np / a.block) * a.summaries;
      const scoreTensor = H * np * Math.max(a.block, summaries) * F32;
      return {
        flops: decoder(s, n, 2 * np * (a.block + summaries) * d),
        scoreTensor,
        // scaled, masked, shifted and exponentiated, without a softmax's copy: 3 alive at most (measured on WASM: the
        // heap at 0.80 to 0.95 of this total from 8,192 to 32,768 bytes, where 4 copies gave 0.63 to 0.72)
        attentionBytes: 3 * H * np * (a.block + summaries) * F32,
        activationsBytes: (8 * np * d + n * ff) * F32,
        logitsRows: n,
      };
    }
    case 'linear': {
      // inside a chunk C x C products (numerator and normaliser), across chunks one dh x dh state per chunk and head
      const np = roundUp(n, a.chunk);
      const dh = d / H;
      const scoreTensor = H * np * a.chunk * F32;
      const states = 3 * H * (np / a.chunk) * dh * dh * F32; // chunk states, their prefix sum, the exclusive one
      return {
        flops: decoder(s, n, 3 * np * a.chunk * d + 2 * np * dh * d),
        scoreTensor,
        // products and their causal mask, no softmax; features of q and k, rotated or not, and the values
        // (measured on WASM: the heap at 0.76 to 1.13 of this total from 8,192 to 65,536 bytes; 0.52 to 0.79 before)
        attentionBytes: 2 * scoreTensor + states,
        activationsBytes: (6 * np * d + n * ff) * F32,
        logitsRows: n,
      };
    }
    case 'latents': {
      const M = Math.min(numLatents ?? a.latents, n);
      const cross = 2 * (2 * n * d * d + 3 * M * d * d + 2 * M * n * d + M * s.mlpMacs); // k,v over N; q,o,z over M
      const stack = L * 2 * (M * 4 * d * d + 2 * M * M * d + M * s.mlpMacs);
      const scoreTensor = H * M * n * F32;
      // Two M x N score tensors are alive at once (the scores entering the softmax and its probabilities; only the
      // latents' M x M block is masked): measured WASM heap 1.33 GB at 131,072 bytes, 2.64 GB at 262,144.
      return { flops: cross + stack, scoreTensor, attentionBytes: 2 * scoreTensor, activationsBytes: (4 * n * d + 6 * M * d + M * ff) * F32, logitsRows: M };
    }
    case 'segments': {
      // per segment of S: keys over [compressed memory; memory; segment]; the compression is a strided conv per layer
      const S = a.segment;
      const compressed = a.compressedMemory ?? 0;
      const k = compressed + a.memory + S;
      const segments = Math.ceil(n / S);
      const compress = compressed ? S * d * d : 0;
      const perSegment = L * 2 * (3 * k * d * d + k * d * d + S * d * d + 2 * 2 * S * k * d + S * s.mlpMacs + compress);
      const scoreTensor = H * S * k * F32;
      return {
        flops: segments * perSegment,
        scoreTensor,
        attentionBytes: 5 * scoreTensor, // content and position scores, their sum, masked, probabilities
        activationsBytes: (6 * k * d + S * ff) * F32,
        cacheBytes: 2 * L * (a.memory + compressed) * d * F32, // memories in and out of each step
        logitsRows: S,
        predictedRows: segments * S,
      };
    }
  }
}

export function estimate(m: Pick<Manifest, 'config' | 'parameters'>, n: number, numLatents?: number): MemoryEstimate {
  const { dModel: d, nHeads: H, nLayers: L, dFf: ff, vocabSize: V, attention } = m.config;
  const mlpMacs = (m.config.activation === 'swiglu' ? 3 : 2) * d * ff; // per position
  const c = attentionCost(attention, { d, H, L, ff, mlpMacs }, n, numLatents);
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
