// Cached decoding through a Hub decoder's own key-value cache: each call feeds input_ids with attention_mask over
// past + new, position_ids counting from the past, and the previous call's present.* as past_key_values.* (empty
// tensors the first time; use_cache_branch false then, for a merged decoder). The cache is handed back untouched
// (never re-run, never copied in JavaScript), so a tensor kept on the GPU stays there. A prompt goes in chunks,
// each through the graph's own past inputs: the one-shot prefill's memory wall moves (research/hub.md).
// Pure like src/engine/stepRunner.ts: it takes a run function, so the browser worker and Node tests share it.
import type { DecoderLayout } from './layout';

/** A tensor as onnxruntime (web or node) gives and takes it; a cache tensor is passed back as it came. */
export interface TensorLike {
  type: string;
  dims: readonly number[];
  data?: unknown; // CPU tensors: a typed array; GPU-located ones: absent here (read through the session)
}
export interface HubRun {
  run(feeds: Record<string, TensorLike>): Promise<Record<string, TensorLike>>;
  /** Frees a cache tensor that will not be fed again (GPU buffers); optional. */
  dispose?(t: TensorLike): void;
}

/** int64 token ids written as the low int32 halves (ids < 2^31), as graphRunner.ts does for bytes. */
export function idsTensor(ids: ArrayLike<number>, type: 'int64' | 'int32'): TensorLike {
  if (type === 'int32') return { type, data: Int32Array.from(ids), dims: [1, ids.length] };
  const data = new BigInt64Array(ids.length);
  const halves = new Int32Array(data.buffer);
  for (let i = 0; i < ids.length; i++) halves[2 * i] = ids[i];
  return { type, data, dims: [1, ids.length] };
}
function range64(from: number, n: number, value?: number): TensorLike {
  const data = new BigInt64Array(n);
  const halves = new Int32Array(data.buffer);
  for (let i = 0; i < n; i++) halves[2 * i] = value ?? from + i;
  return { type: 'int64', data, dims: [1, n] };
}

/** IEEE half -> float (fp16 logits). */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}
export function floatRows(t: TensorLike): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  if (t.data instanceof Uint16Array) return Float32Array.from(t.data, halfToFloat);
  if (t.data && typeof (t.data as ArrayLike<number>).length === 'number') return Float32Array.from(t.data as ArrayLike<number>);
  throw new Error('the logits are not readable on the CPU');
}

export interface KvLogits {
  logits: Float32Array; // rows x V
  rows: number;
  start: number; // row r predicts the token after position start + r
}

export interface KvDecoder {
  readonly length: number; // tokens in the cache
  readonly cacheBytes: number; // the cache's tensors now (exact)
  /** 'last': the row that predicts the next token; 'all': one row per token given. Calls must not overlap. */
  append(ids: ArrayLike<number>, keep?: 'last' | 'all'): Promise<KvLogits>;
  /** Frees the cache (GPU buffers). */
  dispose(): void;
}

export interface KvOptions {
  chunk?: number; // most tokens per call (default: all at once)
  maxLength?: number; // most tokens the cache may hold
}

const sizeOf = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
const bytesPer = (type: string) => (type === 'float16' ? 2 : 4);

export function createKvDecoder(session: HubRun, layout: DecoderLayout, opts: KvOptions = {}): KvDecoder {
  if (layout.kind === 'no-cache') throw new Error('this graph has no cache: use createWindowDecoder');
  const { kvHeads, headDim, cacheType = 'float32' } = layout;
  if (!kvHeads || !headDim) throw new Error('the cache shape (key-value heads, head size) is not known');
  const chunk = opts.chunk ?? Infinity;
  const empty = (): TensorLike => ({ type: cacheType, data: cacheType === 'float16' ? new Uint16Array(0) : new Float32Array(0), dims: [1, kvHeads, 0, headDim] });
  let past: TensorLike[] = layout.layers.flatMap(() => [empty(), empty()]);
  let length = 0;
  let busy = false;
  let broken: string | undefined;

  async function call(ids: ArrayLike<number>, keepAll: boolean): Promise<Float32Array> {
    const n = ids.length;
    const feeds: Record<string, TensorLike> = { [layout.inputIds]: idsTensor(ids, layout.idsType) };
    if (layout.attentionMask) feeds[layout.attentionMask] = range64(0, length + n, 1);
    if (layout.positionIds) feeds[layout.positionIds] = range64(length, n);
    if (layout.useCacheBranch) feeds[layout.useCacheBranch] = { type: 'bool', data: Uint8Array.of(length > 0 ? 1 : 0), dims: [1] };
    if (layout.numLogitsToKeep) feeds[layout.numLogitsToKeep] = { type: 'int64', data: BigInt64Array.of(keepAll ? 0n : 1n), dims: [] };
    layout.layers.forEach((l, i) => ((feeds[l.past[0]] = past[2 * i]), (feeds[l.past[1]] = past[2 * i + 1])));
    const out = await session.run(feeds);
    const next = layout.layers.flatMap((l) => [out[l.present[0]], out[l.present[1]]]);
    if (next.some((t) => !t || t.dims[2] !== length + n)) throw new Error(`the graph's present.* did not hold ${length + n} positions`);
    for (const t of past) session.dispose?.(t);
    past = next;
    length += n;
    return floatRows(out[layout.logits]);
  }

  return {
    get length() {
      return length;
    },
    get cacheBytes() {
      return past.reduce((s, t) => s + sizeOf(t.dims) * bytesPer(t.type), 0);
    },
    async append(ids, keep = 'last') {
      if (busy) throw new Error('append() was called while another append() was running');
      if (broken) throw new Error(`This decoder failed earlier (${broken}); create a new one.`);
      if (ids.length === 0) throw new Error('Nothing to decode: no tokens were given.');
      if (opts.maxLength !== undefined && length + ids.length > opts.maxLength)
        throw new Error(`${length + ids.length} tokens exceed the cache's limit of ${opts.maxLength}`);
      busy = true;
      try {
        const start = length;
        const V = layout.vocabSize;
        const rows: Float32Array[] = [];
        let last: Float32Array | undefined;
        for (let i = 0; i < ids.length; i += chunk) {
          const piece = Array.prototype.slice.call(ids, i, Math.min(i + chunk, ids.length)) as number[];
          const logits = await call(piece, keep === 'all');
          const v = V ?? logits.length / (keep === 'all' || !layout.numLogitsToKeep ? piece.length : 1);
          if (keep === 'all') rows.push(logits);
          else last = logits.subarray(logits.length - v);
        }
        if (keep === 'last') return { logits: last!, rows: 1, start: start + ids.length - 1 };
        const all = new Float32Array(rows.reduce((s, r) => s + r.length, 0));
        rows.reduce((o, r) => (all.set(r, o), o + r.length), 0);
        return { logits: all, rows: ids.length, start };
      } catch (e) {
        broken = e instanceof Error ? e.message : String(e);
        throw e;
      } finally {
        busy = false;
      }
    },
    dispose() {
      for (const t of past) session.dispose?.(t);
      past = [];
      broken = 'disposed';
    },
  };
}

/** The feeds of one forward over `tokens` from an empty cache (use_cache_branch false, empty past tensors). */
export function forwardFeeds(layout: DecoderLayout, tokens: ArrayLike<number>, keepAll = true): Record<string, TensorLike> {
  const n = tokens.length;
  const feeds: Record<string, TensorLike> = { [layout.inputIds]: idsTensor(tokens, layout.idsType) };
  if (layout.attentionMask) feeds[layout.attentionMask] = range64(0, n, 1);
  if (layout.positionIds) feeds[layout.positionIds] = range64(0, n);
  if (layout.useCacheBranch) feeds[layout.useCacheBranch] = { type: 'bool', data: Uint8Array.of(0), dims: [1] };
  if (layout.numLogitsToKeep) feeds[layout.numLogitsToKeep] = { type: 'int64', data: BigInt64Array.of(keepAll ? 0n : 1n), dims: [] };
  const type = layout.cacheType ?? 'float32';
  for (const l of layout.layers)
    for (const name of l.past) feeds[name] = { type, data: type === 'float16' ? new Uint16Array(0) : new Float32Array(0), dims: [1, layout.kvHeads ?? 1, 0, layout.headDim ?? 1] };
  return feeds;
}

/** Without a cache (a graph that has none, or decoding with it switched off): each call runs one forward over the
 * last `window` tokens, as the bundled models' window source does; a cached graph gets empty past tensors. */
export function createWindowDecoder(session: HubRun, layout: DecoderLayout, window: number): KvDecoder {
  const tokens: number[] = [];
  return {
    get length() {
      return tokens.length;
    },
    cacheBytes: 0,
    async append(ids, keep = 'last') {
      if (ids.length === 0) throw new Error('Nothing to decode: no tokens were given.');
      for (let i = 0; i < ids.length; i++) tokens.push(ids[i]);
      const w = tokens.slice(Math.max(0, tokens.length - window));
      const all = keep === 'all' || !layout.numLogitsToKeep;
      const out = await session.run(forwardFeeds(layout, w, all));
      for (const l of layout.layers) for (const name of l.present) session.dispose?.(out[name]);
      const logits = floatRows(out[layout.logits]);
      const V = layout.vocabSize ?? logits.length / (all ? w.length : 1);
      if (keep === 'last') return { logits: logits.subarray(logits.length - V), rows: 1, start: tokens.length - 1 };
      const rows = Math.min(ids.length, w.length); // the new tokens the window still holds
      return { logits: logits.subarray(logits.length - rows * V), rows, start: tokens.length - rows };
    },
    dispose() {},
  };
}
