// The Sparse Transformer's fixed pattern: its own block plus the last `summaries` positions of every earlier block.
import { z } from 'zod';
import { count, Count, decoderFlops, decoderStep, F32, roundUp } from './common';
import { decoderDriving } from './decoder';
import type { AttentionKind } from './types';

export const schema = z.object({ kind: z.literal('sparse-fixed'), block: Count, summaries: Count });
type SparseFixed = z.infer<typeof schema>;

export const kind: AttentionKind<SparseFixed> = {
  ...decoderDriving,
  // its own block's keys and the summaries of the blocks before it
  decodeCost: (a, s, n) => decoderStep(s, Math.min(n, (n % a.block) + 1) + a.summaries * Math.floor(n / a.block)),
  uncaptured: 'its step reads the cache from the current block\'s first row on, so its shapes change with the position',
  describe: (a) =>
    `fixed sparse pattern: own block of ${count(a.block)} + the last ${a.summaries} positions of every earlier block (N × (${count(a.block)} + N × ${a.summaries}/${count(a.block)}) scores per head)`,
  cost(a, s, n) {
    const { d, H, ff } = s;
    // own block (l keys) and the summaries of every block (N/l * c keys): N * (l + c N / l) scores per head
    const np = roundUp(n, a.block);
    const summaries = (np / a.block) * a.summaries;
    const scoreTensor = H * np * Math.max(a.block, summaries) * F32;
    return {
      flops: decoderFlops(s, n, 2 * np * (a.block + summaries) * d),
      scoreTensor,
      // scaled, masked, shifted and exponentiated, without a softmax's copy: 3 alive at most (measured on WASM: the
      // heap at 0.80 to 0.95 of this total from 8,192 to 32,768 bytes, where 4 copies gave 0.63 to 0.72)
      attentionBytes: 3 * H * np * (a.block + summaries) * F32,
      activationsBytes: (8 * np * d + n * ff) * F32,
      logitsRows: n,
    };
  },
};
