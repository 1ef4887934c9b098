// Memory-efficient attention (Rabe & Staats): exact causal attention, query chunks x key chunks with an online softmax.
import { z } from 'zod';
import { count, Count, decoderFlops, decoderStep, F32, SCORE_COPIES } from './common';
import { decoderDriving } from './decoder';
import type { AttentionKind } from './types';

export const schema = z.object({ kind: z.literal('blockwise'), queryChunk: Count, keyChunk: Count });
type Blockwise = z.infer<typeof schema>;

export const kind: AttentionKind<Blockwise> = {
  ...decoderDriving,
  decodeCost: (_a, s, n) => decoderStep(s, n), // it decodes with the Transformer's step graph
  describe: (a) =>
    `exact causal attention in chunks of ${count(a.queryChunk)} queries × ${count(a.keyChunk)} keys with an online softmax (memory linear in N, time quadratic)`,
  cost(a, s, n) {
    const { d, H, ff } = s;
    // query chunks against the key chunks up to their diagonal: about half of N^2, one chunk pair alive at a time
    let products = 0;
    for (let q0 = 0; q0 < n; q0 += a.queryChunk) products += (Math.min(q0 + a.queryChunk, n) - q0) * Math.min(q0 + a.queryChunk, n);
    const scoreTensor = H * Math.min(a.queryChunk, n) * Math.min(a.keyChunk, n) * F32;
    return { flops: decoderFlops(s, n, 2 * products * d), scoreTensor, attentionBytes: SCORE_COPIES * scoreTensor, activationsBytes: (8 * n * d + n * ff) * F32, logitsRows: n };
  },
};
