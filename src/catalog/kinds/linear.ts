// Linear attention (Katharopoulos et al.): kernel features, computed in chunks with a carried state.
import { z } from 'zod';
import { count, Count, decoderFlops, F32, roundUp } from './common';
import { decoderDriving } from './decoder';
import type { AttentionKind } from './types';

export const schema = z.object({ kind: z.literal('linear'), chunk: Count, featureMap: z.string() });
type Linear = z.infer<typeof schema>;

export const kind: AttentionKind<Linear> = {
  ...decoderDriving,
  decodeCost(_a, { d, H, L, mlpMacs, V }) {
    const dh = d / H; // per layer: read S [H, dh, dh] and z [H, dh], q S and S += k v^T
    return { flops: 2 * (L * (4 * d * d + mlpMacs + 2 * H * dh * dh) + d * V), readBytes: L * H * (dh * dh + dh) * F32 };
  },
  describe: (a) => `linear attention, ${a.featureMap} features, in chunks of ${count(a.chunk)} with a carried state (memory and time linear in N)`,
  cost(a, s, n) {
    const { d, H, ff } = s;
    // inside a chunk C x C products (numerator and normaliser), across chunks one dh x dh state per chunk and head
    const np = roundUp(n, a.chunk);
    const dh = d / H;
    const scoreTensor = H * np * a.chunk * F32;
    const states = 3 * H * (np / a.chunk) * dh * dh * F32; // chunk states, their prefix sum, the exclusive one
    return {
      flops: decoderFlops(s, n, 3 * np * a.chunk * d + 2 * np * dh * d),
      scoreTensor,
      // products and their causal mask, no softmax; features of q and k, rotated or not, and the values
      // (measured on WASM: the heap at 0.76 to 1.13 of this total from 8,192 to 65,536 bytes; 0.52 to 0.79 before)
      attentionBytes: 2 * scoreTensor + states,
      activationsBytes: (6 * np * d + n * ff) * F32,
      logitsRows: n,
    };
  },
};
