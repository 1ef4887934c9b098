// Sliding-window attention (Longformer's causal window; the Sparse Transformer's local mode): the last `window` positions.
import { z } from 'zod';
import { count, Count, decoderFlops, decoderStep, F32, roundUp, SCORE_COPIES } from './common';
import { decoderDriving } from './decoder';
import type { AttentionKind } from './types';

export const schema = z.object({ kind: z.literal('window'), window: Count });
type Window = z.infer<typeof schema>;

export const kind: AttentionKind<Window> = {
  ...decoderDriving,
  decodeCost: (a, s, n) => decoderStep(s, Math.min(n, a.window)),
  uncaptured: 'its step reads the cache from the window\'s first row on, so its shapes change with the position',
  describe: (a) => `sliding window of ${count(a.window)} positions (N × ${count(2 * a.window)} scores per head)`,
  cost(a, s, n) {
    const { d, H, ff } = s;
    // blocks of w: each scores its own block and the one before (2w keys), the band keeps w
    const np = roundUp(n, a.window);
    const scoreTensor = H * np * 2 * a.window * F32;
    return { flops: decoderFlops(s, n, 2 * np * 2 * a.window * d), scoreTensor, attentionBytes: SCORE_COPIES * scoreTensor, activationsBytes: (10 * np * d + n * ff) * F32, logitsRows: n };
  },
};
