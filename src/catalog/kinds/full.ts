// Full causal attention (the Transformer, + GELU, ++, Primer-EZ): every earlier position, one N x N score matrix per head.
import { z } from 'zod';
import { decoderFlops, decoderStep, F32, SCORE_COPIES } from './common';
import { decoderDriving } from './decoder';
import type { AttentionKind } from './types';

export const schema = z.object({ kind: z.literal('full') });
type Full = z.infer<typeof schema>;

export const kind: AttentionKind<Full> = {
  ...decoderDriving,
  describe: () => 'full causal attention (N × N scores per head)',
  decodeCost: (_a, s, n) => decoderStep(s, n),
  tryInstead: 'the memory-efficient Transformer (the same attention, computed in blocks)',
  cost(_a, s, n) {
    const { d, H, ff } = s;
    const scoreTensor = H * n * n * F32;
    return { flops: decoderFlops(s, n, 2 * n * n * d), scoreTensor, attentionBytes: SCORE_COPIES * scoreTensor, activationsBytes: (6 * n * d + n * ff) * F32, logitsRows: n };
  },
};
