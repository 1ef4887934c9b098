// Cached decoding through a model's step graph (manifest `step`), for every `io` kind. Pure like graphRunner: it
// takes a RunFn for the step session, so the browser worker and the Node scripts/tests share it.
//
// The state is preallocated here at the capacity the caller chose and never grows. Each call feeds it with the
// count of valid rows; the graph reads only those (attention costs O(valid), not O(capacity)) and returns only the
// rows it computed, which are written in place: no state-sized tensor comes back per step. A state whose row axis
// is "cached" (the decoders' K/V caches and Perceiver AR's cross cache: rows outermost) is fed only up to its valid
// rows, a view of its first bytes: onnxruntime-web copies every input into the WASM heap on each run, so feeding
// the whole capacity copied capacity, not valid, rows per step.
//
//   full      (Transformer, + GELU, ++, Primer-EZ): a K/V cache per layer (Primer: also the last rows before its
//             convolutions); bytes go in chunks of at most step.maxChunk.
//   segments  (Transformer-XL): keys/values of [memory; current segment]; a call never crosses a segment boundary,
//             and when a segment completes the memory shifts as in training. With a compressed memory (Compressive
//             Transformer) also the rows' layer inputs, and the compressed rows' keys/values, which the call that
//             completes a segment updates itself (it compresses the rows the memory evicts).
//   latents   (Perceiver AR, the paper's Appendix E.3): cross-attention keys/values of every input and the latent
//             self-attention keys/values. Each new byte becomes a latent; when M latents are cached, the next byte
//             runs one forward that refills the cache to F latents (reusing the cached cross-attention keys/values),
//             then cheap steps continue. The first append (the prompt) fills the cache to F latents like a refill.
import type { Manifest, StepSpec, TensorSpec } from '../catalog/manifest';
import { int64, scalar, type Feed, type RunFn } from './graphRunner';
import { EngineError } from './types';

export interface DecoderOptions {
  /** Positions the state holds: the prompt plus the bytes to generate. Ignored by Transformer-XL (fixed state). */
  capacity: number;
  /** Perceiver AR: M, the size of the latent cache (default: the manifest's config.latents). */
  numLatents?: number;
  /** Perceiver AR: F, the latents a refill keeps (default max(M/2, M - step.refill.margin)); 1 <= F <= M. */
  refillTo?: number;
  /** Most bytes per step call (default and upper bound: step.maxChunk). */
  chunk?: number;
}

/** Logits for `rows` consecutive positions from `start`: row r (V values) predicts the byte after start + r. */
export interface StepLogits {
  logits: Float32Array;
  rows: number;
  start: number;
}

export interface Decoder {
  /** Positions the state holds (Transformer-XL: memory + segment rows). */
  readonly capacity: number;
  /** Most bytes this decoder can consume in all (Transformer-XL: unbounded). */
  readonly maxLength: number;
  /** Bytes consumed so far. */
  readonly length: number;
  /** Perceiver AR: M, F, the latents cached now and the refills so far (0 for the other families). */
  readonly numLatents?: number;
  readonly refillTo?: number;
  readonly latents: number;
  readonly refills: number;
  /** Bytes of the state tensors: what cached decoding keeps between calls (fixed at creation). */
  readonly stateBytes: number;
  /**
   * Consumes bytes and returns logits: 'last' (default) the row that predicts the next byte; 'all' every row the
   * call computed: one per byte, except a Perceiver AR prompt, whose rows are its last min(F, n) positions (the
   * latents). Calls must not overlap.
   */
  append(bytes: ArrayLike<number>, keep?: 'last' | 'all'): Promise<StepLogits>;
}

/** The default F for a latent cache of M: flaxformer keeps M - 128, the official sampler M/2; the larger one. */
export function defaultRefill(step: StepSpec, M: number): number {
  return Math.max(Math.floor(M / 2), M - (step.refill?.margin ?? 0), 1);
}

/** The state tensors' shapes at a capacity (and latent cache size M for Perceiver AR). */
export function stateShapes(m: Manifest, capacity: number, numLatents?: number): { name: string; axis?: number; dims: number[] }[] {
  const step = stepOf(m);
  // "cached" rows are allocated at the capacity and fed up to the valid ones
  const sizes: Record<string, number | undefined> = { capacity, cached: capacity, latentCapacity: numLatents ?? m.config.latents };
  return step.state.map(({ name, axis }) => {
    const spec = step.inputs.find((t) => t.name === name) as TensorSpec;
    const dims = spec.dims.map((d) => {
      const v = typeof d === 'number' ? d : sizes[d];
      if (v === undefined) throw new EngineError('invalid-model', `${m.id}: the state dim "${d}" of ${name} has no size`);
      return v;
    });
    return { name, axis, dims };
  });
}

/** Bytes of cached-decoding state at a capacity: for the state-memory chart (exact, float32 tensors). */
export function stateBytes(m: Manifest, capacity: number, numLatents?: number): number {
  return stateShapes(m, capacity, numLatents).reduce((sum, s) => sum + 4 * size(s.dims), 0);
}

const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** A state tensor and how a call's output updates it. */
interface State {
  name: string;
  axis?: number;
  rowsOf?: string | number; // the dim on the row axis: "capacity" / "cached" (positions), "latentCapacity" (latents), or fixed
  feed: Feed & { data: Float32Array };
}

/** Score elements (floats) one Perceiver AR call may hold: latents x keys x heads. A call's latents are capped so
 * that a refill over a long cache stays within the WASM heap: 128 latents over 1,048,576 cached rows and 4 heads
 * would be 2 GiB of scores at once; capped at 256 MiB they run as 8 calls (each latent's cross-attention is its own,
 * and the latent self-attention is causal: the same logits in any number of calls). */
export const MAX_STEP_SCORES = 1 << 26;

/** What a call feeds of a state: a "cached" state only its first max(valid, 1) rows (a view, no copy; one zero row
 * when nothing is cached yet, which the graph masks), any other its whole tensor. */
function fed(s: State, valid: number): Feed {
  if (s.rowsOf !== 'cached') return s.feed;
  const rows = Math.max(valid, 1);
  const inner = size(s.feed.dims.slice(1));
  return { dtype: 'float32', data: s.feed.data.subarray(0, rows * inner), dims: [rows, ...s.feed.dims.slice(1)] };
}

/** Writes `rows` (dims like the state's, fewer on `axis`) into the state at row `at` along `axis`. */
function writeRows(s: State, rows: Float32Array, rowDims: readonly number[], at: number) {
  const { dims, data } = s.feed;
  const axis = s.axis!;
  const outer = size(dims.slice(0, axis));
  const inner = size(dims.slice(axis + 1));
  const cap = dims[axis];
  const n = rowDims[axis];
  for (let o = 0; o < outer; o++) data.set(rows.subarray(o * n * inner, (o + 1) * n * inner), (o * cap + at) * inner);
}

/** Moves rows [from, from + count) to [to, ...) along the state's axis (Transformer-XL's memory shift). */
function moveRows(s: State, from: number, to: number, count: number) {
  const { dims, data } = s.feed;
  const axis = s.axis!;
  const inner = size(dims.slice(axis + 1));
  const cap = dims[axis];
  for (let o = 0; o < size(dims.slice(0, axis)); o++) data.copyWithin((o * cap + to) * inner, (o * cap + from) * inner, (o * cap + from + count) * inner);
}

function stepOf(m: Manifest): StepSpec {
  if (!m.step) throw new EngineError('invalid-model', `${m.id} has no step graph for cached decoding`);
  return m.step;
}

const positiveInt = (x: number) => Number.isInteger(x) && x > 0;

export function createDecoder(run: RunFn, m: Manifest, opts: DecoderOptions): Decoder {
  const step = stepOf(m);
  const V = m.config.vocabSize;
  const chunk = Math.min(opts.chunk ?? step.maxChunk, step.maxChunk);
  if (!positiveInt(chunk)) throw new EngineError('bad-input', `chunk must be a positive integer, not ${opts.chunk}`);
  const xl = m.io === 'segments';
  const seg = m.config.segmentLength ?? 0;
  const mem = m.config.memoryLength ?? 0;
  const capacity = xl ? mem + seg : opts.capacity;
  const maxCapacity = step.maxCapacity ?? m.config.maxContext;
  if (!xl && (!positiveInt(capacity) || capacity > maxCapacity))
    throw new EngineError('over-limit', `${m.id}: a decoding state of ${capacity} positions is not possible (1 to ${maxCapacity.toLocaleString()})`);
  const M = m.io === 'latents' ? (opts.numLatents ?? m.config.latents ?? 0) : undefined;
  const F = M === undefined ? undefined : (opts.refillTo ?? defaultRefill(step, M));
  if (M !== undefined && (!positiveInt(M) || !positiveInt(F!) || F! > M))
    throw new EngineError('bad-input', `${m.id}: needs 1 <= refill F (${F}) <= latents M (${M})`);

  const states: State[] = stateShapes(m, capacity, M).map(({ name, axis, dims }) => ({
    name,
    axis,
    rowsOf: axis === undefined ? undefined : step.inputs.find((t) => t.name === name)!.dims[axis],
    feed: { dtype: 'float32', data: new Float32Array(size(dims)), dims },
  }));
  for (const s of states)
    if (s.rowsOf === 'cached' && s.axis !== 0) throw new EngineError('invalid-model', `${m.id}: the "cached" rows of ${s.name} must be its first axis`);
  const heads = m.config.nHeads;
  const bytesOfState = states.reduce((s, x) => s + x.feed.data.byteLength, 0);

  let length = 0;
  let latents = 0; // Perceiver AR: valid rows of the latent cache
  let refills = 0;
  let memValid = 0; // Transformer-XL: valid memory rows, and rows of the current segment
  let segValid = 0;
  const attention = m.config.attention;
  const compressed = attention.kind === 'segments' && attention.compressedMemory ? attention : undefined;
  let cmemValid = 0; // Compressive Transformer: valid compressed rows
  let busy = false;
  let broken: unknown; // a failed call leaves the state half-written: the decoder is not usable after it
  const history = M === undefined ? undefined : new Uint8Array(capacity); // Perceiver AR: a refill re-reads bytes
  const lookback = step.lookback ?? 0; // bytes a call needs before its first (the conv variant's prev_tokens)
  /** The `lookback` bytes before position a, zeros before the start (the graph masks those positions). */
  const before = (a: number) => {
    const prev = new Uint8Array(lookback);
    prev.set(history!.subarray(Math.max(0, a - lookback), a), Math.max(0, lookback - a));
    return prev;
  };

  /** One step call; `at` gives, per kind of row axis, where the call's rows go in the state. */
  async function call(feeds: Record<string, Feed>, at: { capacity?: number; latentCapacity?: number; fixed?: number }): Promise<Float32Array> {
    const rowAt = (s: State) => (s.rowsOf === 'cached' ? at.capacity : typeof s.rowsOf === 'string' ? at[s.rowsOf as 'capacity' | 'latentCapacity'] : at.fixed)!;
    const out = await run({ ...feeds, ...Object.fromEntries(states.map((s) => [s.name, fed(s, rowAt(s))])) });
    for (const s of states) {
      const o = out[`new_${s.name}`];
      if (s.axis === undefined) s.feed = { ...s.feed, data: o.data };
      else writeRows(s, o.data, o.dims, rowAt(s));
    }
    return out.logits.data;
  }

  // Rows are collected into one array: all of them, or only the last.
  function collector(keep: 'last' | 'all', rows: number, start: number) {
    const logits = new Float32Array((keep === 'all' ? rows : 1) * V);
    let at = 0; // rows seen
    return {
      add(data: Float32Array, r: number) {
        if (keep === 'all') logits.set(data.subarray(0, r * V), at * V);
        else if (at + r === rows) logits.set(data.subarray((r - 1) * V, r * V));
        at += r;
      },
      done: (): StepLogits => (keep === 'all' ? { logits, rows, start } : { logits, rows: 1, start: start + rows - 1 }),
    };
  }

  /** Perceiver AR: positions [from, to) of the history; those >= latentFrom become latents (appended to the
   * latent cache), the earlier ones only get cross-attention keys/values. */
  async function latentRun(from: number, to: number, latentFrom: number, add: (d: Float32Array, r: number) => void) {
    for (let a = from, b: number; a < to; a = b) {
      // at most as many latents as keep their scores over the b keys within MAX_STEP_SCORES
      const most = Math.max(1, Math.floor(MAX_STEP_SCORES / (heads * (a + chunk))));
      b = Math.min(a + chunk, to, Math.max(a, latentFrom) + most);
      const q = Math.max(0, b - Math.max(a, latentFrom));
      // A call without latents still computes one (the graph always has a latent row); it is not kept.
      const feeds: Record<string, Feed> = { tokens: int64(history!.subarray(a, b)), past: scalar(a), num_latents: scalar(Math.max(q, 1)), latent_valid: scalar(latents) };
      if (lookback) feeds.prev_tokens = int64(before(a));
      const logits = await call(feeds, { capacity: a, latentCapacity: latents });
      if (q > 0) add(logits, q);
      latents += q;
    }
  }

  async function appendLatents(bytes: ArrayLike<number>, keep: 'last' | 'all'): Promise<StepLogits> {
    const n = bytes.length;
    history!.set(bytes, length);
    if (latents === 0) {
      // the prompt: like a refill, its last min(F, n) positions become latents
      const end = length + n;
      const first = end - Math.min(F!, end);
      const c = collector(keep, end - first, first);
      await latentRun(length, end, first, c.add);
      length = end;
      return c.done();
    }
    const c = collector(keep, n, length);
    for (let i = 0; i < n; ) {
      if (latents === M) {
        // full: one forward over the last F positions (this byte included) refills the latent cache
        const end = length + 1;
        latents = 0;
        refills++;
        let last: Float32Array | undefined;
        await latentRun(end - Math.min(F!, end), end, 0, (d, r) => (last = d.subarray((r - 1) * V, r * V)));
        c.add(last!, 1);
        length = end;
        i++;
        continue;
      }
      const g = Math.min(n - i, M! - latents, chunk);
      await latentRun(length, length + g, length, c.add);
      length += g;
      i += g;
    }
    return c.done();
  }

  async function appendTokens(bytes: ArrayLike<number>, keep: 'last' | 'all'): Promise<StepLogits> {
    const n = bytes.length;
    const c = collector(keep, n, length);
    for (let i = 0; i < n; ) {
      const s = Math.min(n - i, chunk, xl ? seg - segValid : n);
      const tokens = int64(Array.prototype.slice.call(bytes, i, i + s) as number[]);
      const feeds: Record<string, Feed> = xl ? { tokens, mem_valid: scalar(memValid), seg_valid: scalar(segValid) } : { tokens, past: scalar(length) };
      if (compressed) feeds.cmem_valid = scalar(cmemValid);
      c.add(await call(feeds, { capacity: length, fixed: mem + segValid }), s);
      length += s;
      i += s;
      if (xl && (segValid += s) === seg) {
        // the segment is complete: the memory becomes the last mem rows of [memory; segment], as in training
        for (const st of states) if (st.axis !== undefined) moveRows(st, seg, 0, mem);
        // Compressive Transformer: that call compressed the rows the memory evicted; the real ones count
        if (compressed) cmemValid = Math.min(compressed.compressedMemory!, cmemValid + Math.floor(Math.max(0, memValid + seg - mem) / compressed.compressionRate!));
        segValid = 0;
        memValid = Math.min(mem, memValid + seg);
      }
    }
    return c.done();
  }

  return {
    capacity,
    maxLength: xl ? Number.POSITIVE_INFINITY : capacity,
    get length() {
      return length;
    },
    numLatents: M,
    refillTo: F,
    get latents() {
      return latents;
    },
    get refills() {
      return refills;
    },
    stateBytes: bytesOfState,
    async append(bytes, keep = 'last') {
      if (busy) throw new EngineError('bad-input', 'append() was called while another append() was running');
      if (broken) throw new EngineError('bad-input', `This decoder failed earlier (${String(broken)}); create a new one.`);
      if (bytes.length === 0) throw new EngineError('bad-input', 'Nothing to decode: no bytes were given.');
      if (!xl && length + bytes.length > capacity)
        throw new EngineError('over-limit', `${m.id}: ${(length + bytes.length).toLocaleString()} bytes exceed the decoding state's capacity of ${capacity.toLocaleString()} positions`);
      busy = true;
      try {
        return await (M === undefined ? appendTokens(bytes, keep) : appendLatents(bytes, keep));
      } catch (e) {
        broken = e instanceof Error ? e.message : e;
        throw e;
      } finally {
        busy = false;
      }
    },
  };
}
