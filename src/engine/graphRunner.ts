// How each manifest `io` kind is driven over a window of bytes. Pure: it takes a run function, so the browser
// worker (onnxruntime-web) and the Node scripts/tests (onnxruntime-node) share it.
import type { Manifest } from '../catalog/manifest';

export interface Feed {
  dtype: 'int64' | 'float32';
  data: BigInt64Array | Float32Array;
  dims: number[];
}
export type RunFn = (feeds: Record<string, Feed>) => Promise<Record<string, { data: Float32Array; dims: readonly number[] }>>;

/**
 * Token ids as int64 without a BigInt per token: written as the low halves of little-endian int64s (ids are
 * bytes). Converting through BigInt took 20-30 ms per 131,072 tokens, writing int32 halves 1-2 ms.
 */
export function int64(xs: ArrayLike<number>): Feed {
  const data = new BigInt64Array(xs.length);
  const halves = new Int32Array(data.buffer);
  for (let i = 0; i < xs.length; i++) halves[2 * i] = xs[i];
  return { dtype: 'int64', data, dims: [1, xs.length] };
}
export const scalar = (x: number): Feed => ({ dtype: 'int64', data: BigInt64Array.of(BigInt(x)), dims: [] });

/**
 * Logits for the positions the model covers: rows x V, row r sits at window offset start + r (and predicts the
 * byte after it).
 */
export async function runWindow(
  run: RunFn,
  manifest: Manifest,
  window: ArrayLike<number>,
  numLatents?: number,
  memoryLength?: number, // Transformer-XL: a longer memory than trained (the evaluation, as the XL paper does)
): Promise<{ logits: Float32Array; rows: number; start: number }> {
  const n = window.length;
  const V = manifest.config.vocabSize;
  if (manifest.io === 'full') {
    const out = await run({ tokens: int64(window) });
    return { logits: out.logits.data, rows: n, start: 0 };
  }
  if (manifest.io === 'latents') {
    const M = Math.min(numLatents ?? manifest.config.latents ?? n, n);
    const out = await run({ tokens: int64(window), num_latents: scalar(M) });
    return { logits: out.logits.data, rows: M, start: n - M };
  }
  // Transformer-XL and the Compressive Transformer: segment by segment, each step's new memories fed to the next.
  if (manifest.config.attention.kind !== 'segments') throw new Error(`io "segments" needs a segments attention descriptor`);
  const { segment: S, compressedMemory: cmem = 0, compressionRate: rate = 1 } = manifest.config.attention;
  const mem = memoryLength ?? manifest.config.attention.memory;
  const { nLayers: L, dModel: d } = manifest.config;
  const zeros = (rows: number): Feed => ({ dtype: 'float32', data: new Float32Array(L * rows * d), dims: [L, 1, rows, d] });
  let mems = zeros(mem);
  let cmems = zeros(cmem);
  let valid = 0;
  let cvalid = 0;
  const logits = new Float32Array(n * V);
  for (let s = 0; s < n; s += S) {
    const seg = Array.prototype.slice.call(window, s, s + S) as number[];
    const feeds: Record<string, Feed> = { tokens: int64(seg), mems, mem_valid: scalar(valid) };
    if (cmem) Object.assign(feeds, { cmems, cmem_valid: scalar(cvalid) });
    const out = await run(feeds);
    logits.set(out.logits.data, s * V);
    mems = { dtype: 'float32', data: out.new_mems.data, dims: [L, 1, mem, d] };
    if (cmem) {
      cmems = { dtype: 'float32', data: out.new_cmems.data, dims: [L, 1, cmem, d] };
      // the rows leaving the memory are compressed: count the real ones among them (models/compressive_transformer.py)
      cvalid = Math.min(cmem, cvalid + Math.floor(Math.max(0, valid + seg.length - mem) / rate));
    }
    valid = Math.min(mem, valid + seg.length);
  }
  return { logits, rows: n, start: 0 };
}
