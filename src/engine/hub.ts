// The engine's adapter for Hub decoders (src/hub): their graph mapped onto the engine's two contracts, so every view
// drives them as it drives the bundled models.
//   forward  runWindow's `tokens` (token ids, not bytes) -> the graph's input_ids, attention_mask, position_ids
//            and empty past tensors (use_cache_branch false) -> its logits for every position
//   step     cached decoding through the graph's own past_key_values.* / present.* (src/hub/kvDecoder.ts), the
//            prompt in chunks through its past inputs; no step graph
// Worker side; the only ORT it sees is ort.ts's Session.
import type { Manifest } from '../catalog/manifest';
import { forwardFeeds, type HubRun, type TensorLike } from '../hub/kvDecoder';
import { tokenSource } from '../hub/hubRun';
import type { DecoderLayout } from '../hub/layout';
import { hubEstimate } from '../hub/estimate';
import type { Feed, RunFn } from './graphRunner';
import type { NextByteSource } from './generation';
import { positionsNeeded } from './generation';
import type { GpuTensorIn, GpuTensorOut, Session, TensorIn } from './ort';
import type { EngineFailure, GenerateOptions } from './types';
import type { HubTokenizer } from '../hub/tokenizer';

/** Tokens per prefill call: the prompt goes through the graph's own past inputs in pieces of this many (research/
 * hub.md: chunks of 512 gave the one-shot greedy tokens and moved transformers.js's memory wall from 8,192 tokens). */
export const HUB_PREFILL_CHUNK = 512;

/**
 * Whether a Hub decoder's key-value cache stays on the GPU (WebGPU, a graph with a cache): its session leaves the
 * present.* outputs in GPU buffers (ort.ts gpuOutputs) and they are fed back as past_key_values.* without a copy.
 */
export const hubCacheOnGpu = (m: Manifest, backend: string) => backend === 'webgpu' && !!m.hub && m.hub.layout.kind !== 'no-cache';

/** The outputs a Hub decoder's session leaves on the GPU (none on WASM, or without a cache). */
export const hubGpuOutputs = (m: Manifest, backend: string) => (hubCacheOnGpu(m, backend) ? m.hub!.layout.layers.flatMap((l) => [...l.present]) : undefined);

/** A session as src/hub's decoders drive it: their tensors in, the session's (cache tensors passed back untouched:
 * a GPU-located one is fed back from its buffer and freed through `dispose`). */
export function hubSession(s: Session): HubRun {
  const onGpuOf = new WeakMap<TensorLike, GpuTensorOut>();
  return {
    async run(feeds) {
      const ins: Record<string, TensorIn | GpuTensorIn> = {};
      for (const [k, t] of Object.entries(feeds)) {
        const g = onGpuOf.get(t);
        ins[k] = g
          ? { gpuBuffer: g.gpuBuffer, dims: g.dims, dtype: g.type as 'float32' | 'float16' }
          : { dtype: t.type as TensorIn['dtype'], data: t.data as TensorIn['data'], dims: t.dims as number[] };
      }
      const out = await s.runBound(ins);
      const res: Record<string, TensorLike> = {};
      for (const [k, t] of Object.entries(out)) {
        if ('gpuBuffer' in t) {
          const like: TensorLike = { type: t.type, dims: t.dims };
          onGpuOf.set(like, t);
          res[k] = like;
        } else res[k] = { type: t.type, data: t.data, dims: t.dims };
      }
      return res;
    },
    dispose(t) {
      onGpuOf.get(t)?.dispose();
      onGpuOf.delete(t);
    },
  };
}

/** The token ids of an int64 feed (graphRunner's int64: ids in the low halves). */
function idsOf(f: Feed): Int32Array {
  const halves = new Int32Array(f.data.buffer, f.data.byteOffset, f.data.length * 2);
  return Int32Array.from({ length: f.data.length }, (_, i) => halves[2 * i]);
}

/** The forward contract: `{ tokens }` as runWindow feeds it -> `{ logits }` (one forward from an empty cache). */
export function hubForward(s: Session, layout: DecoderLayout): RunFn {
  const run = hubSession(s);
  return async (feeds) => {
    const out = await run.run(forwardFeeds(layout, idsOf(feeds.tokens)));
    for (const l of layout.layers) for (const name of l.present) run.dispose!(out[name]); // a forward keeps no cache
    const logits = out[layout.logits];
    if (logits.type !== 'float32') throw new Error(`the graph's logits are ${logits.type}; the page reads float32 logits`);
    return { logits: { data: logits.data as Float32Array, dims: logits.dims } };
  };
}

/** The step contract for generation (generation.ts's source): prefill in chunks, then one token per call. */
export function hubTokenSource(s: Session, m: Manifest, prompt: ArrayLike<number>, o: GenerateOptions, cacheOnGpu = false): NextByteSource {
  const layout = m.hub!.layout;
  const cache = o.cache !== false && layout.kind !== 'no-cache';
  const capacity = positionsNeeded(prompt.length, o.maxBytes);
  const window = Math.min(o.contextLength ?? prompt.length, m.config.maxContext);
  const dec = tokenSource(hubSession(s), layout, { cache, chunk: HUB_PREFILL_CHUNK, window, maxLength: capacity });
  return {
    prefill: async () => (await dec.append(prompt)).logits,
    feed: async (t) => (await dec.append([t])).logits,
    now: () => ({ refills: 0 }),
    get stateBytes() {
      return cache ? dec.cacheBytes : undefined;
    },
    capacity: cache ? capacity : undefined,
    stateOn: cache ? (cacheOnGpu ? 'gpu' : 'cpu') : undefined,
    dispose: () => dec.dispose(),
  };
}

// --- page side: text <-> the decoder's tokens -------------------------------------------------------------------

const textOf = new TextDecoder();
const tokenCache = new WeakMap<Uint8Array, { tokenizer: HubTokenizer; ids: number[] }>();

/** The input's tokens (no special tokens added), kept per input array and tokenizer: re-running at another N does
 * not tokenize the text again. */
export function tokensOf(tokenizer: HubTokenizer, input: Uint8Array): number[] {
  const hit = tokenCache.get(input);
  if (hit?.tokenizer === tokenizer) return hit.ids;
  const ids = tokenizer.encode(textOf.decode(input));
  tokenCache.set(input, { tokenizer, ids });
  return ids;
}

/** The window a Hub decoder reads of an input at context N (tokens): the last N tokens, and where it starts in bytes. */
export function hubWindow(m: Manifest, tokenizer: HubTokenizer, input: Uint8Array, contextLength: number) {
  const ids = tokensOf(tokenizer, input);
  const limit = m.config.maxContext;
  const n = Math.min(contextLength, limit, ids.length);
  const clippedReason =
    contextLength > limit
      ? `this model's limit is ${limit.toLocaleString()} tokens`
      : contextLength > ids.length
        ? `the input has only ${ids.length.toLocaleString()} tokens`
        : undefined;
  const start = ids.length - n;
  const before = tokenizer.spans(ids.slice(0, start)).bytes.reduce((a, b) => a + b, 0);
  return { n, clippedReason, window: Int32Array.from(ids.slice(start)), windowStart: before };
}

/** Token-by-token text of a generation: each token's text is what decoding all tokens so far adds (a character
 * split across tokens appears with the token that completes it). */
export function textStream(tokenizer: HubTokenizer) {
  const ids: number[] = [];
  let shown = '';
  return (id: number): string => {
    ids.push(id);
    const full = tokenizer.decode(ids);
    const stable = full.endsWith('\uFFFD') ? full.slice(0, full.search(/\uFFFD+$/)) : full;
    const delta = stable.startsWith(shown) ? stable.slice(shown.length) : stable;
    shown = stable;
    return delta;
  };
}

/** wasm32 addresses 4 GiB: everything a run holds at once lives in that one heap. */
const WASM_HEAP = 4 * 2 ** 30;

/**
 * Why a Hub decoder cannot run a forward over N tokens, or cached decoding of N positions, on WASM, before any
 * worker starts: the weights plus what the run holds exceed the 4 GiB WebAssembly heap. The forward holds the logits
 * of every position (N x V x 4 bytes; exact) and the score matrices (estimate); decoding holds the key-value cache
 * (exact) twice, fed in and handed back every step. Undefined: it may fit (the run then says if it does not).
 */
export function hubHeapRefusal(m: Manifest, n: number, what: 'forward' | 'decode'): EngineFailure | undefined {
  const e = hubEstimate(m, n);
  const held = what === 'forward' ? 2 * e.activationsBytes + e.attentionBytes : 2 * e.cacheBytes;
  if (e.weightsBytes + held <= WASM_HEAP) return undefined;
  const gib = (x: number) => `${(x / 2 ** 30).toFixed(2)} GiB`;
  const parts =
    what === 'forward'
      ? `its logits for ${n.toLocaleString('en-US')} tokens are ${gib(e.activationsBytes)} (${n.toLocaleString('en-US')} x ${m.config.vocabSize.toLocaleString('en-US')} x 4 bytes, copied out once)${e.attentionBytes ? ` and its attention scores ${gib(e.attentionBytes)} (estimate)` : ''}`
      : `its key-value cache for ${n.toLocaleString('en-US')} positions is ${gib(e.cacheBytes)}, fed in and handed back at every step`;
  return {
    kind: 'out-of-memory',
    message: `not run: ${parts}, beside ${gib(e.weightsBytes)} of weights: over the 4 GiB WebAssembly heap${what === 'forward' ? ' (cached decoding, whose prefill goes in chunks, reaches further)' : ''}.`,
  };
}
