// What follows from a manifest, each fact asked of its attention kind (./kinds) or read from its config in one place:
// the latents M at N, the window a model reads at N (N clipped to its limit), cached decoding's limit and a refill's
// default. The engine, the state and the UI ask here instead of repeating a rule.
import { kindOf, type Attention } from './kinds';
import { defaultRefill as refillRule } from './kinds/latents';
import type { Manifest, StepSpec } from './manifest';
import { hubCached } from '../hub/manifest';

type Model = Pick<Manifest, 'config'>;

export const kindOfModel = (m: Model) => kindOf(m.config.attention);

/** A model's attention in words, for the model details and the charts' legend. */
export const describeAttention = (a: Attention) => kindOf(a).describe(a);

/** Whether the model takes a number of latents M at run time (Perceiver AR). */
export const takesLatents = (m: Model) => !!kindOfModel(m).latents;

/** The M it was trained with; undefined for a model without latents. */
export const trainedLatents = (m: Model) => kindOfModel(m).latents?.trained(m.config.attention);

/** M of a latent cache (the asked M, else the trained one); undefined for a model without latents. */
export const cacheLatents = (m: Model, asked?: number) => kindOfModel(m).latents?.cache(m.config.attention, asked);

/** M for a forward over n bytes (asked, else trained; at most n); undefined for a model without latents. */
export const latentsAt = (m: Model, n: number, asked?: number) => kindOfModel(m).latents?.atN(m.config.attention, n, asked);

/** N as a model runs it: the asked N, at most its limit and the bytes there are (and why it was clipped). */
export function clipContext(m: Model, contextLength: number, available = Number.POSITIVE_INFINITY): { n: number; clippedReason?: string } {
  const limit = m.config.maxContext;
  const n = Math.min(contextLength, limit, available);
  const clippedReason =
    contextLength > limit
      ? `this model's limit is ${limit.toLocaleString()} bytes`
      : contextLength > available
        ? `the input has only ${available.toLocaleString()} bytes`
        : undefined;
  return { n, clippedReason };
}

/** The last n bytes (the window a model sees) and where it starts in the input. */
export function lastWindow(bytes: Uint8Array, n: number): { window: Uint8Array; start: number } {
  const start = Math.max(0, bytes.length - n);
  return { window: bytes.subarray(start), start };
}

/** The first n bytes: for models whose positions count from the sequence's first byte (manifest window "prefix"). */
export function firstWindow(bytes: Uint8Array, n: number): { window: Uint8Array; start: number } {
  return { window: bytes.subarray(0, n), start: 0 };
}

/** The window a model reads of a sequence at n (the last n bytes, or the first n for a "prefix" model). */
export const windowOf = (m: Model, bytes: Uint8Array, n: number) => (m.config.window === 'prefix' ? firstWindow(bytes, n) : lastWindow(bytes, n));

/** What a model reads of an input at context N: its window, N clipped to its limit and the input (and why), and M. */
export function modelWindow(m: Model, input: Uint8Array, contextLength: number, numLatents?: number) {
  const { n, clippedReason } = clipContext(m, contextLength, input.length);
  const { window, start } = windowOf(m, input, n);
  return { n, clippedReason, window, start, M: latentsAt(m, n, numLatents) };
}

/** Whether cached decoding's state has a fixed size, so any number of bytes decode (Transformer-XL's memory). */
export const decodesAnyLength = (m: Model) => !!kindOfModel(m).fixedState;

/** Whether the model has cached decoding: a step graph, or a Hub decoder's own past_key_values / present (src/hub). */
export const hasCachedDecoding = (m: Pick<Manifest, 'step' | 'hub'>) => !!m.step || hubCached(m);

/** The most positions the model's cached decoding holds (a fixed state: any number; sweeps stop at its maxContext). */
export const decodingLimit = (m: Pick<Manifest, 'config' | 'step'>) =>
  decodesAnyLength(m) ? m.config.maxContext : (m.step?.maxCapacity ?? m.config.maxContext);

/** The default F for a latent cache of M (the latents kind's rule, with the step graph's margin). */
export const defaultRefill = (step: Pick<StepSpec, 'refill'>, M: number) => refillRule(M, step.refill?.margin ?? 0);
