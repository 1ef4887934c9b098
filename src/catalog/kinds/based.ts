// Based (Arora et al. 2024): per layer a short gated convolution, then one mixer (layers[i]): linear attention with
// 2nd-order Taylor features (chunks with a carried state) or an exact sliding window. Decoding carries a state of one
// size whatever N (models/based.py).
import { z } from 'zod';
import { count, Count, F32, roundUp, SCORE_COPIES } from './common';
import { decoderDriving } from './decoder';
import type { AttentionKind } from './types';

export const schema = z.object({
  kind: z.literal('based'),
  featureDim: Count, // f: query/key features per linear-attention head, expanded to 1 + f + f² by the Taylor map
  linearHeads: Count,
  window: Count,
  shortConv: Count, // the convolution's kernel
  chunk: Count, // the linear attention's chunk
  layers: z.array(z.enum(['linear', 'window'])).min(1), // each layer's mixer, in order
});
type Based = z.infer<typeof schema>;

/** Features per head of the Taylor map [1, x, x ⊗ x]: its state is this × the head's value width. */
const taylorFeatures = (a: Based) => 1 + a.featureDim + a.featureDim ** 2;

export const kind: AttentionKind<Based> = {
  ...decoderDriving,
  fixedState: true, // sums of the linear attention, the window's last rows, the convolutions' last rows: any length decodes

  describe: (a) => {
    const linear = a.layers.filter((l) => l === 'linear').length;
    return (
      `${a.layers.length} layers, each a short convolution (kernel ${a.shortConv}) then one mixer: ${linear} linear attention with Taylor ` +
      `features (${a.linearHeads} head${a.linearHeads > 1 ? 's' : ''} × ${taylorFeatures(a)}), ${a.layers.length - linear} sliding window of ` +
      `${count(a.window)} (memory and time linear in N, a decoding state of one size)`
    );
  },

  cost(a, s, n) {
    const { d, H, ff } = s;
    const h = a.linearHeads;
    const F = taylorFeatures(a);
    // the window: blocks of w scoring their own block and the one before (2w keys), as the window kind
    const nw = roundUp(n, a.window);
    const windowScores = H * nw * 2 * a.window * F32;
    const windowMacs = n * 4 * d * d + 2 * nw * 2 * a.window * d;
    // the linear attention: q, k to h·f, v and o d x d; inside a chunk C x C kernels (q·k, then times v); across
    // chunks one F x d/h state per chunk and head (phi(k)ᵀv, then read by phi(q)), the features built by outer products
    const np = roundUp(n, a.chunk);
    const kernels = h * np * a.chunk * F32;
    const features = h * np * F * F32;
    const states = h * (np / a.chunk) * F * (d / h) * F32;
    const linearMacs = n * (2 * d * h * a.featureDim + 2 * d * d) + np * a.chunk * (h * a.featureDim + d) + 2 * np * F * d + 2 * np * h * (F + a.featureDim ** 2);
    const linearBytes = 3 * kernels + 2 * features + 3 * states; // kernel, square, masked; phi(q), phi(k); states, prefix sum, exclusive
    // every layer: the convolution (a d x d gate, k taps) and the MLP
    const perLayer = n * (d * d + a.shortConv * d + s.mlpMacs);
    const mixers = a.layers.map((l) => (l === 'linear' ? linearMacs : windowMacs));
    const has = (l: Based['layers'][number]) => a.layers.includes(l);
    return {
      flops: 2 * mixers.reduce((sum, m) => sum + m + perLayer, 0),
      scoreTensor: Math.max(has('window') ? windowScores : 0, has('linear') ? Math.max(kernels, features, states) : 0),
      // the layers run one after another: the larger of the two mixers' tensors is alive at once
      attentionBytes: Math.max(has('window') ? SCORE_COPIES * windowScores : 0, has('linear') ? linearBytes : 0),
      activationsBytes: (10 * Math.max(nw, np) * d + n * ff) * F32,
      logitsRows: n,
    };
  },

  /** The state has one size: the caller's capacity sizes nothing, and any number of bytes decode. */
  plan: (_a, ask) => ({ capacity: ask.capacity, bounded: false }),
};
