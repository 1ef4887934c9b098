// How a decoder's graphs are driven (io "full"), shared by every kind whose forward gives logits at every position
// and whose step graph takes new bytes at position `past` (full, blockwise, window, sparse-fixed, linear): the
// kinds differ in cost and words, not in driving.
import { int64, position } from './feeds';
import type { ForwardInput, StepAsk, StepDriver, StepIO, StepPlan, WindowLogits } from './types';

export const decoderDriving = {
  io: 'full' as const,

  /** tokens[1,N] -> logits[1,N,V]: every position. */
  async forward(_a: unknown, f: ForwardInput): Promise<WindowLogits> {
    const out = await f.run({ tokens: int64(f.window) });
    return { logits: out.logits.data, rows: f.window.length, start: 0 };
  },

  /** The state holds the positions asked for (a K/V cache per layer, or a recurrent state). */
  plan: (_a: unknown, ask: StepAsk): StepPlan => ({ capacity: ask.capacity, bounded: true }),

  /** New bytes in chunks of at most io.chunk, each call at position `past`. */
  decoder(_a: unknown, io: StepIO): StepDriver {
    let length = 0;
    return {
      latents: 0,
      refills: 0,
      async append(bytes, keep) {
        const n = bytes.length;
        const c = io.collector(keep, n, length);
        for (let i = 0; i < n; ) {
          const s = Math.min(n - i, io.chunk);
          const tokens = int64(Array.prototype.slice.call(bytes, i, i + s) as number[]);
          c.add(await io.call({ tokens, past: position(length) }, { capacity: length }), s);
          length += s;
          i += s;
        }
        return c.done();
      },
    };
  },
};
