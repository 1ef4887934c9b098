// How each manifest `io` kind is driven over a window of bytes. Pure: it takes a run function, so the browser
// worker (onnxruntime-web) and the Node scripts/tests (onnxruntime-node) share it.
import type { Manifest } from '../catalog/manifest';

export interface Feed {
  dtype: 'int64' | 'float32';
  data: BigInt64Array | Float32Array;
  dims: number[];
}
export type RunFn = (feeds: Record<string, Feed>) => Promise<Record<string, { data: Float32Array; dims: readonly number[] }>>;

export const int64 = (xs: ArrayLike<number>): Feed => ({
  dtype: 'int64',
  data: BigInt64Array.from(Array.from(xs, (x) => BigInt(x))),
  dims: [1, xs.length],
});
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
  // Transformer-XL: segment by segment, the step's new memory fed to the next step.
  const { nLayers: L, dModel: d, segmentLength: S = 256, memoryLength: mem = 256 } = manifest.config;
  let mems: Feed = { dtype: 'float32', data: new Float32Array(L * mem * d), dims: [L, 1, mem, d] };
  let valid = 0;
  const logits = new Float32Array(n * V);
  for (let s = 0; s < n; s += S) {
    const seg = Array.prototype.slice.call(window, s, s + S) as number[];
    const out = await run({ tokens: int64(seg), mems, mem_valid: scalar(valid) });
    logits.set(out.logits.data, s * V);
    mems = { dtype: 'float32', data: out.new_mems.data, dims: [L, 1, mem, d] };
    valid = Math.min(mem, valid + seg.length);
  }
  return { logits, rows: n, start: 0 };
}
