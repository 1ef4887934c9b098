// Perceiver AR: M latents (the last M positions) cross-attend to all N inputs, then self-attend; logits for the last M
// positions only. M is chosen at run time (num_latents), at most N.
import { z } from 'zod';
import { count, Count, F32 } from './common';
import { int64, scalar } from './feeds';
import type { AttentionKind, Feed, StepIO, StepPlan } from './types';

// blockScores: score elements per key block of the forward's cross-attention (models/perceiver_ar.py); absent, the
// graph holds all M x N scores at once
export const schema = z.object({ kind: z.literal('latents'), latents: Count, blockScores: Count.optional() });
type Latents = z.infer<typeof schema>;

/** M: the latents asked for, else the trained M (the latent cache's size in cached decoding). */
const cache = (a: Latents, asked?: number) => asked ?? a.latents;
/** M at N: at most N (a forward over N bytes has N positions to make latents of). The one place this rule lives. */
const atN = (a: Latents, n: number, asked?: number) => Math.min(cache(a, asked), n);

/** The default F for a latent cache of M: flaxformer keeps M - margin (128), the official sampler M/2; the larger one. */
export const defaultRefill = (M: number, margin: number) => Math.max(Math.floor(M / 2), M - margin, 1);

const positiveInt = (x: number) => Number.isInteger(x) && x > 0;

export const kind: AttentionKind<Latents> = {
  io: 'latents',
  uncaptured: 'its steps add latents and refill the latent cache, so their shapes change as it decodes',
  describe: (a) => `${count(a.latents)} latents cross-attend to all N inputs, then self-attend`,
  latents: { trained: (a) => a.latents, cache, atN },
  decodeCost(_a, { d, L, mlpMacs, V }, n, latents) {
    const { M, F } = latents!;
    const block = 4 * d * d + mlpMacs; // a layer's projections and MLP, per position
    const P = M - F + 1; // bytes per refill period: M - F steps, then one refill of F latents
    const cross = (q: number) => q * (5 * d * d + mlpMacs + 2 * n * d); // q latents: k, v, q, o, z; MLP; over n keys
    const latent = (q: number, cached: number) => L * q * (block + 2 * cached * d);
    const step = cross(1) + latent(1, (F + M) / 2) + d * V;
    const refill = cross(F) + latent(F, F / 2) + F * d * V;
    return { flops: (2 * ((P - 1) * step + refill)) / P, readBytes: 2 * n * d * F32 + 2 * L * M * d * F32 };
  },

  cost(a, s, n, numLatents) {
    const { d, H, L, ff } = s;
    const M = atN(a, n, numLatents);
    const cross = 2 * (2 * n * d * d + 3 * M * d * d + 2 * M * n * d + M * s.mlpMacs); // k,v over N; q,o,z over M
    const stack = L * 2 * (M * 4 * d * d + 2 * M * M * d + M * s.mlpMacs);
    if (!a.blockScores) {
      const scoreTensor = H * M * n * F32;
      // Two M x N score tensors are alive at once (the scores entering the softmax and its probabilities; only the
      // latents' M x M block is masked): measured WASM heap 1.33 GB at 131,072 bytes, 2.64 GB at 262,144.
      return { flops: cross + stack, scoreTensor, attentionBytes: 2 * scoreTensor, activationsBytes: (4 * n * d + 6 * M * d + M * ff) * F32, logitsRows: M };
    }
    // Over key blocks of B = blockScores / (H M) keys: the inputs (N x d) stay, each block's keys and values (and
    // their norm, projections and rotations, ~10 x B x d) and about three H x M x B score tensors come and go.
    // Measured (onnxruntime-web WASM under Node, 1 thread): heap 307 MiB at 262,144 bytes, 768 MiB at 1,048,576.
    const B = Math.max(1, Math.min(n - M, Math.floor(a.blockScores / (H * M))));
    const scoreTensor = H * M * Math.max(B, M) * F32;
    return { flops: cross + stack, scoreTensor, attentionBytes: 3 * scoreTensor, activationsBytes: (n * d + 10 * B * d + 6 * M * d + M * ff) * F32, logitsRows: M };
  },

  /** tokens[1,N], num_latents[] -> logits[1,M,V] for the last M positions. */
  async forward(a, f) {
    const n = f.window.length;
    const M = atN(a, n, f.numLatents);
    const out = await f.run({ tokens: int64(f.window), num_latents: scalar(M) });
    return { logits: out.logits.data, rows: M, start: n - M };
  },

  /** A latent cache of M (asked, else trained) and F, the latents a refill keeps. */
  plan(a, ask): StepPlan {
    const M = cache(a, ask.numLatents);
    const F = ask.refillTo ?? defaultRefill(M, ask.refillMargin);
    const problem = positiveInt(M) && positiveInt(F) && F <= M ? undefined : `needs 1 <= refill F (${F}) <= latents M (${M})`;
    return { capacity: ask.capacity, bounded: true, numLatents: M, refillTo: F, problem };
  },

  /**
   * The paper's Appendix E.3: cross-attention keys/values of every input and the latent self-attention keys/values
   * are cached. Each new byte becomes a latent; when M latents are cached, the next byte runs one forward that refills
   * the cache to F latents (reusing the cached cross-attention keys/values), then cheap steps continue. The first
   * append (the prompt) fills the cache to F latents like a refill.
   */
  decoder(_a, io: StepIO, plan, { lookback }) {
    const M = plan.numLatents!;
    const F = plan.refillTo!;
    const V = io.vocabSize;
    const history = new Uint8Array(plan.capacity); // a refill re-reads bytes
    /** The `lookback` bytes before position a, zeros before the start (the graph masks those positions): the
     * Perceiver AR + input conv variant's prev_tokens. */
    const before = (a: number) => {
      const prev = new Uint8Array(lookback);
      prev.set(history.subarray(Math.max(0, a - lookback), a), Math.max(0, lookback - a));
      return prev;
    };
    let length = 0;
    let latents = 0; // valid rows of the latent cache
    let refills = 0;

    /** Positions [from, to) of the history; those >= latentFrom become latents (appended to the latent cache), the
     * earlier ones only get cross-attention keys/values. */
    async function latentRun(from: number, to: number, latentFrom: number, add: (d: Float32Array, r: number) => void) {
      for (let a = from, b: number; a < to; a = b) {
        // at most the latents whose scores over this call's keys stay within the engine's budget (same logits)
        b = Math.min(a + io.chunk, to, Math.max(a, latentFrom) + io.scoreRows(a + io.chunk));
        const q = Math.max(0, b - Math.max(a, latentFrom));
        // A call without latents still computes one (the graph always has a latent row); it is not kept.
        const feeds: Record<string, Feed> = { tokens: int64(history.subarray(a, b)), past: scalar(a), num_latents: scalar(Math.max(q, 1)), latent_valid: scalar(latents) };
        if (lookback) feeds.prev_tokens = int64(before(a));
        const logits = await io.call(feeds, { capacity: a, latentCapacity: latents });
        if (q > 0) add(logits, q);
        latents += q;
      }
    }

    return {
      get latents() {
        return latents;
      },
      get refills() {
        return refills;
      },
      async append(bytes, keep) {
        const n = bytes.length;
        history.set(bytes, length);
        if (latents === 0) {
          // the prompt: like a refill, its last min(F, n) positions become latents
          const end = length + n;
          const first = end - Math.min(F, end);
          const c = io.collector(keep, end - first, first);
          await latentRun(length, end, first, c.add);
          length = end;
          return c.done();
        }
        const c = io.collector(keep, n, length);
        for (let i = 0; i < n; ) {
          if (latents === M) {
            // full: one forward over the last F positions (this byte included) refills the latent cache
            const end = length + 1;
            latents = 0;
            refills++;
            let last: Float32Array | undefined;
            await latentRun(end - Math.min(F, end), end, 0, (d, r) => (last = d.subarray((r - 1) * V, r * V)));
            c.add(last!, 1);
            length = end;
            i++;
            continue;
          }
          const g = Math.min(n - i, M - latents, io.chunk);
          await latentRun(length, length + g, length, c.add);
          length += g;
          i += g;
        }
        return c.done();
      },
    };
  },
};
