// Whether a one-shot forward over N bytes fits the backend it would run on, said before running it, from the cost
// model's estimate. A refusal is one sentence a person can act on (what it needs, what the backend allows, what to
// try instead); the page never offers a limit that then fails with a runtime's error.
import { estimate } from './costModel';
import { kindOfModel } from './facts';
import type { Manifest } from './manifest';

/** wasm32: sizes and offsets are 32-bit, so no tensor reaches 4 GiB, and the whole heap stays under it. */
export const WASM_ADDRESSABLE = 2 ** 32;
/**
 * The cost model counts four score-sized tensors alive per full attention; the runtime keeps fewer. Measured on WASM
 * (docs/results.md, quiet machine): the Transformer at 8,192 bytes ran with a 3.6 GB heap where the estimate says 4.05 GiB.
 * So the heap rule allows the estimate this much above the address space before it refuses: it refuses nothing
 * that was measured to run, and a single tensor past 4 GiB (exact: it cannot be indexed) is refused regardless.
 */
export const WASM_ESTIMATE_SLACK = 1.125;

export interface Device {
  backend: 'wasm' | 'webgpu';
  /** WebGPU: the largest buffer one binding may hold (GPUAdapter limits). */
  maxBindingBytes?: number;
}

export interface Refusal {
  sentence: string; // why it will not run here, and what to try
  needBytes: number; // what the estimate says it needs (the tensor or the total that does not fit)
  allowBytes: number;
}

type Model = Pick<Manifest, 'id' | 'config' | 'parameters' | 'displayName'> & Partial<Pick<Manifest, 'step' | 'userModel'>>;

const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

/** What to try instead: a model whose memory grows linearly, or cached decoding when the step graph holds N. */
function alternatives(m: Model, n: number, decodeLimit?: number): string {
  const decode = m.step && (decodeLimit ?? 0) >= n ? ' or cached decoding (Continue), which keeps N keys per layer instead of N x N scores' : '';
  const same = kindOfModel(m).tryInstead ?? 'a family whose memory grows linearly with N (Perceiver AR, the memory-efficient Transformer)';
  return `try ${same}${decode}, or a smaller N`;
}

/**
 * undefined when the forward over n bytes should fit; else why not. A person's own model without a manifest has no
 * estimate: nothing is predicted for it.
 */
export function refusal(m: Model, n: number, device: Device, opts: { numLatents?: number; decodeLimit?: number } = {}): Refusal | undefined {
  if (m.userModel && !m.userModel.fromManifest) return undefined;
  const e = estimate(m, n, opts.numLatents);
  const at = `At ${n.toLocaleString('en-US')} bytes`;
  if (device.backend === 'wasm') {
    if (e.largestTensorBytes >= WASM_ADDRESSABLE)
      return {
        sentence: `${at} one attention tensor alone needs about ${gib(e.largestTensorBytes)} (estimate), and a WASM page can address less than 4 GiB in all; ${alternatives(m, n, opts.decodeLimit)}.`,
        needBytes: e.largestTensorBytes,
        allowBytes: WASM_ADDRESSABLE,
      };
    if (e.totalBytes > WASM_ADDRESSABLE * WASM_ESTIMATE_SLACK)
      return {
        sentence: `${at} it needs about ${gib(e.totalBytes)} (estimate), more than the 4 GiB a WASM page can address; ${alternatives(m, n, opts.decodeLimit)}.`,
        needBytes: e.totalBytes,
        allowBytes: WASM_ADDRESSABLE,
      };
    return undefined;
  }
  if (device.maxBindingBytes && e.largestTensorBytes > device.maxBindingBytes)
    return {
      sentence: `${at} one tensor needs about ${gib(e.largestTensorBytes)} (estimate), more than the ${gib(device.maxBindingBytes)} this GPU binds in one buffer; ${alternatives(m, n, opts.decodeLimit)}, or WASM.`,
      needBytes: e.largestTensorBytes,
      allowBytes: device.maxBindingBytes,
    };
  return undefined;
}

/**
 * The longest doubling of 256 (256, 512, ... up to the model's limit) that fits the device: what a card promises.
 * Equal to the model's limit when everything fits.
 */
export function largestFitting(m: Model, device: Device, numLatents?: number): number {
  const limit = m.config.maxContext;
  if (!refusal(m, limit, device, { numLatents })) return limit;
  let best = 0;
  for (let n = 256; n < limit; n *= 2) if (!refusal(m, n, device, { numLatents })) best = n;
  return best;
}
