// Cached decoding through a model's step graph (manifest `step`). Pure like graphRunner: it takes a RunFn for the
// step session, so the browser worker and the Node scripts/tests share it. How each attention kind feeds its step
// graph and keeps its state (a K/V cache by position; Transformer-XL's segments; Perceiver AR's latent cache and
// refills) is the kind's (src/catalog/kinds); the machinery they share is here.
//
// The state is preallocated here at the capacity the caller chose and never grows. Each call feeds it with the
// count of valid rows; the graph reads only those (attention costs O(valid), not O(capacity)) and returns only the
// rows it computed, which are written in place: no state-sized tensor comes back per step. A state whose row axis
// is "cached" (the decoders' K/V caches and Perceiver AR's cross cache: rows outermost) is fed only up to its valid
// rows, a view of its first bytes: onnxruntime-web copies every input into the WASM heap on each run, so feeding
// the whole capacity copied capacity, not valid, rows per step.
import { cacheLatents, kindOfModel } from '../catalog/facts';
import type { Collector, Feed, RowsAt, RunFn, StepIO, StepLogits } from '../catalog/kinds/types';
import type { Manifest, StepSpec, TensorSpec } from '../catalog/manifest';
import { EngineError } from './failures';

export type { StepLogits } from '../catalog/kinds/types';

export interface DecoderOptions {
  /** Positions the state holds: the prompt plus the bytes to generate. Ignored by Transformer-XL (fixed state). */
  capacity: number;
  /** Perceiver AR: M, the size of the latent cache (default: the trained M, config.attention.latents). */
  numLatents?: number;
  /** Perceiver AR: F, the latents a refill keeps (default max(M/2, M - step.refill.margin)); 1 <= F <= M. */
  refillTo?: number;
  /** Most bytes per step call (default and upper bound: step.maxChunk). */
  chunk?: number;
  /** Most score elements per call (default MAX_STEP_SCORES): caps Perceiver AR's latents per call. */
  maxScores?: number;
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

/** The state tensors' shapes at a capacity (and latent cache size M for Perceiver AR). */
export function stateShapes(m: Manifest, capacity: number, numLatents?: number): { name: string; axis?: number; dims: number[] }[] {
  const step = stepOf(m);
  // "cached" rows are allocated at the capacity and fed up to the valid ones
  const sizes: Record<string, number | undefined> = { capacity, cached: capacity, latentCapacity: cacheLatents(m, numLatents) };
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

/** What a call feeds of a state: a "cached" state only its first max(valid, 1) rows (a view, no copy; one zero row
 * when nothing is cached yet, which the graph masks), any other its whole tensor. */
function fed(s: State, valid: number): Feed {
  if (s.rowsOf !== 'cached') return s.feed;
  const rows = Math.max(valid, 1);
  const inner = size(s.feed.dims.slice(1));
  return { dtype: 'float32', data: s.feed.data.subarray(0, rows * inner), dims: [rows, ...s.feed.dims.slice(1)] };
}

/** Where a call's rows go in a state (and, for a "cached" state, how many rows it holds before the call). */
const rowAt = (s: State, at: RowsAt) => (s.rowsOf === 'cached' ? at.capacity : typeof s.rowsOf === 'string' ? at[s.rowsOf as 'capacity' | 'latentCapacity'] : at.fixed)!;

/** Score elements (floats) one call may hold: query rows x keys x heads. Perceiver AR's calls keep their latents
 * under it (StepIO.scoreRows), so that a refill over a long cache stays within the WASM heap: 128 latents over
 * 1,048,576 cached rows and 4 heads would be 2 GiB of scores at once; capped at 256 MiB they run as 8 calls (each
 * latent's cross-attention is its own and the latent self-attention causal: the same logits in any number of calls). */
export const MAX_STEP_SCORES = 1 << 26;

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
  const kind = kindOfModel(m);
  const a = m.config.attention;
  const V = m.config.vocabSize;
  const chunk = Math.min(opts.chunk ?? step.maxChunk, step.maxChunk);
  if (!positiveInt(chunk)) throw new EngineError('bad-input', `chunk must be a positive integer, not ${opts.chunk}`);
  const ask = { capacity: opts.capacity, numLatents: opts.numLatents, refillTo: opts.refillTo, refillMargin: step.refill?.margin ?? 0, lookback: step.lookback ?? 0 };
  const plan = kind.plan(a, ask);
  const { capacity, bounded } = plan;
  const maxCapacity = step.maxCapacity ?? m.config.maxContext;
  if (bounded && (!positiveInt(capacity) || capacity > maxCapacity))
    throw new EngineError('over-limit', `${m.id}: a decoding state of ${capacity} positions is not possible (1 to ${maxCapacity.toLocaleString()})`);
  if (plan.problem) throw new EngineError('bad-input', `${m.id}: ${plan.problem}`);

  const states: State[] = stateShapes(m, capacity, plan.numLatents).map(({ name, axis, dims }) => ({
    name,
    axis,
    rowsOf: axis === undefined ? undefined : step.inputs.find((t) => t.name === name)!.dims[axis],
    feed: { dtype: 'float32', data: new Float32Array(size(dims)), dims },
  }));
  for (const s of states)
    if (s.rowsOf === 'cached' && s.axis !== 0) throw new EngineError('invalid-model', `${m.id}: the "cached" rows of ${s.name} must be its first axis`);
  const bytesOfState = states.reduce((s, x) => s + x.feed.data.byteLength, 0);

  const io: StepIO = {
    vocabSize: V,
    chunk,
    /** One step call; `at` gives, per kind of row axis, where the call's rows go in the state. */
    async call(feeds: Record<string, Feed>, at: RowsAt): Promise<Float32Array> {
      const out = await run({ ...feeds, ...Object.fromEntries(states.map((s) => [s.name, fed(s, rowAt(s, at))])) });
      for (const s of states) {
        const o = out[`new_${s.name}`];
        if (s.axis === undefined) s.feed = { ...s.feed, data: o.data };
        else writeRows(s, o.data, o.dims, rowAt(s, at));
      }
      return out.logits.data;
    },
    scoreRows: (keys) => Math.max(1, Math.floor((opts.maxScores ?? MAX_STEP_SCORES) / (m.config.nHeads * keys))),
    moveRows(from, to, count) {
      for (const st of states) if (st.axis !== undefined) moveRows(st, from, to, count);
    },
    // Rows are collected into one array: all of them, or only the last.
    collector(keep, rows, start): Collector {
      const logits = new Float32Array((keep === 'all' ? rows : 1) * V);
      let at = 0; // rows seen
      return {
        add(data, r) {
          if (keep === 'all') logits.set(data.subarray(0, r * V), at * V);
          else if (at + r === rows) logits.set(data.subarray((r - 1) * V, r * V));
          at += r;
        },
        done: (): StepLogits => (keep === 'all' ? { logits, rows, start } : { logits, rows: 1, start: start + rows - 1 }),
      };
    },
  };
  const driver = kind.decoder(a, io, plan, ask);

  let length = 0;
  let busy = false;
  let broken: unknown; // a failed call leaves the state half-written: the decoder is not usable after it
  return {
    capacity,
    maxLength: bounded ? capacity : Number.POSITIVE_INFINITY,
    get length() {
      return length;
    },
    numLatents: plan.numLatents,
    refillTo: plan.refillTo,
    get latents() {
      return driver.latents;
    },
    get refills() {
      return driver.refills;
    },
    stateBytes: bytesOfState,
    async append(bytes, keep = 'last') {
      if (busy) throw new EngineError('bad-input', 'append() was called while another append() was running');
      if (broken) throw new EngineError('bad-input', `This decoder failed earlier (${String(broken)}); create a new one.`);
      if (bytes.length === 0) throw new EngineError('bad-input', 'Nothing to decode: no bytes were given.');
      if (bounded && length + bytes.length > capacity)
        throw new EngineError('over-limit', `${m.id}: ${(length + bytes.length).toLocaleString()} bytes exceed the decoding state's capacity of ${capacity.toLocaleString()} positions`);
      busy = true;
      try {
        const out = await driver.append(bytes, keep);
        length += bytes.length;
        return out;
      } catch (e) {
        broken = e instanceof Error ? e.message : e;
        throw e;
      } finally {
        busy = false;
      }
    },
  };
}
