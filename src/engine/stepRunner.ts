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
import { gpuStore } from './gpuState';

export type { StepLogits } from '../catalog/kinds/types';

/** A float32 state fed from a GPU buffer (its first elements, `dims`), and an output left on the GPU. */
export interface GpuFeed {
  gpuBuffer: GPUBuffer;
  dims: number[];
}
export interface GpuOut {
  gpuBuffer: GPUBuffer;
  dims: readonly number[];
  download(): Promise<Float32Array>;
  dispose(): void;
}
export type StepOut = { data: Float32Array; dims: readonly number[] } | GpuOut;
/** A step session that takes GPU feeds and leaves the state's outputs on the GPU (ort.ts Session.runBound). */
export type BoundRunFn = (feeds: Record<string, Feed | GpuFeed>) => Promise<Record<string, StepOut>>;

/** Where a state tensor lives between calls, and how a call's output updates it. */
export interface StateStore {
  bytes: number;
  /** The state as fed: its first size(dims) elements with these dims. */
  feed(dims: number[]): Feed | GpuFeed;
  /** Rows (dims like the state's, fewer on `axis`) written at row `at` along `axis`. */
  write(o: StepOut, rowDims: readonly number[], at: number, axis: number): Promise<void>;
  /** The whole state replaced (a state without a row axis). */
  replace(o: StepOut): Promise<void>;
  /** Rows [from, from + count) moved to [to, ...) along `axis` (Transformer-XL's memory shift). */
  move(from: number, to: number, count: number, axis: number): void;
  dispose(): void;
}

const cpuRows = async (o: StepOut) => ('gpuBuffer' in o ? o.download().finally(() => o.dispose()) : o.data);

/** The state in JS memory: onnxruntime-web copies what is fed into its WASM heap (or uploads it) on every call. */
function cpuStore(dims: number[]): StateStore {
  let data: Float32Array = new Float32Array(size(dims));
  return {
    bytes: data.byteLength,
    feed: (fed) => ({ dtype: 'float32', data: data.subarray(0, size(fed)), dims: fed }),
    async write(o, rowDims, at, axis) {
      const rows = await cpuRows(o);
      const outer = size(dims.slice(0, axis));
      const inner = size(dims.slice(axis + 1));
      const n = rowDims[axis];
      for (let k = 0; k < outer; k++) data.set(rows.subarray(k * n * inner, (k + 1) * n * inner), (k * dims[axis] + at) * inner);
    },
    async replace(o) {
      data = await cpuRows(o);
    },
    move(from, to, count, axis) {
      const inner = size(dims.slice(axis + 1));
      const cap = dims[axis];
      for (let k = 0; k < size(dims.slice(0, axis)); k++) data.copyWithin((k * cap + to) * inner, (k * cap + from) * inner, (k * cap + from + count) * inner);
    },
    dispose: () => void (data = new Float32Array(0)),
  };
}

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
  /** WebGPU: the state in GPU buffers on this device for the decoder's life, fed and updated through `run` (IO
   * binding) instead of being uploaded every call; released by dispose(). `captured`: one-byte calls replayed
   * from a captured graph (capturedStep.ts), which reads the state whole; longer calls (the prompt) go through `run`. */
  gpu?: { device: GPUDevice; run: BoundRunFn; captured?: BoundRunFn };
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
  /** Where the state lives: JS memory, fed every call ('cpu'), or GPU buffers ('gpu'). */
  readonly stateOn: 'cpu' | 'gpu';
  /** One-byte calls replayed from a captured WebGPU graph (DecoderOptions.gpu.captured). */
  readonly captured: boolean;
  /** Releases the state (its GPU buffers); the decoder is not usable after it. */
  dispose(): void;
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
  dims: number[];
  store: StateStore;
}

/** What a call feeds of a state: a "cached" state only its first max(valid, 1) rows (a view, no copy; one zero row
 * when nothing is cached yet, which the graph masks), any other its whole tensor. */
const fed = (s: State, valid: number) => s.store.feed(s.rowsOf === 'cached' ? [Math.max(valid, 1), ...s.dims.slice(1)] : s.dims);

/** Where a call's rows go in a state (and, for a "cached" state, how many rows it holds before the call). */
const rowAt = (s: State, at: RowsAt) => (s.rowsOf === 'cached' ? at.capacity : typeof s.rowsOf === 'string' ? at[s.rowsOf as 'capacity' | 'latentCapacity'] : at.fixed)!;

/** Score elements (floats) one call may hold: query rows x keys x heads. Perceiver AR's calls keep their latents
 * under it (StepIO.scoreRows), so that a refill over a long cache stays within the WASM heap: 128 latents over
 * 1,048,576 cached rows and 4 heads would be 2 GiB of scores at once; capped at 256 MiB they run as 8 calls (each
 * latent's cross-attention is its own and the latent self-attention causal: the same logits in any number of calls). */
export const MAX_STEP_SCORES = 1 << 26;


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

  const gpu = opts.gpu;
  const states: State[] = stateShapes(m, capacity, plan.numLatents).map(({ name, axis, dims }) => ({
    name,
    axis,
    rowsOf: axis === undefined ? undefined : step.inputs.find((t) => t.name === name)!.dims[axis],
    dims,
    store: gpu ? gpuStore(gpu.device, dims, `${m.id} ${name}`) : cpuStore(dims),
  }));
  for (const s of states)
    if (s.rowsOf === 'cached' && s.axis !== 0) throw new EngineError('invalid-model', `${m.id}: the "cached" rows of ${s.name} must be its first axis`);
  const bytesOfState = states.reduce((s, x) => s + x.store.bytes, 0);
  const runStep: BoundRunFn = gpu ? gpu.run : (run as BoundRunFn);

  const io: StepIO = {
    vocabSize: V,
    chunk,
    /** One step call; `at` gives, per kind of row axis, where the call's rows go in the state. */
    async call(feeds: Record<string, Feed>, at: RowsAt): Promise<Float32Array> {
      // a captured step has fixed shapes: the state fed whole (the graph masks rows at or past `past`)
      const captured = gpu?.captured && feeds.tokens?.dims[1] === 1 ? gpu.captured : undefined;
      const state = states.map((s) => [s.name, captured ? s.store.feed(s.dims) : fed(s, rowAt(s, at))]);
      const out = await (captured ?? runStep)({ ...feeds, ...Object.fromEntries(state) });
      for (const s of states) {
        const o = out[`new_${s.name}`];
        await (s.axis === undefined ? s.store.replace(o) : s.store.write(o, o.dims, rowAt(s, at), s.axis));
      }
      return cpuRows(out.logits);
    },
    scoreRows: (keys) => Math.max(1, Math.floor((opts.maxScores ?? MAX_STEP_SCORES) / (m.config.nHeads * keys))),
    moveRows(from, to, count) {
      for (const st of states) if (st.axis !== undefined) st.store.move(from, to, count, st.axis);
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
    stateOn: gpu ? 'gpu' : 'cpu',
    captured: !!gpu?.captured,
    dispose() {
      for (const s of states) s.store.dispose();
      broken ??= 'its state was released';
    },
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
