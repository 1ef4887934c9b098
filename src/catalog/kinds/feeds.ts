// Graph inputs built from bytes and counts (pure; the engine hands them to onnxruntime).
import type { Feed } from './types';

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
/** A decoder step's position `past`: int32 in the graph, so that WebGPU runs every node of it (JSEP has no int64
 * Cast) and the step can be captured (models/transformer.py step_signature). */
export const position = (x: number): Feed => ({ dtype: 'int32', data: Int32Array.of(x), dims: [] });
