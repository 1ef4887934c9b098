// The one codec between the page state and the URL fragment (#s=...): JSON, deflated (fflate), base64url.
// Everything read back is validated with zod; a bad link yields an error message and nothing else.
// A person may append "&run=1" to any link to have it re-run the models when opened.
import { deflateSync, Inflate, strToU8, strFromU8 } from 'fflate';
import { z } from 'zod';
import type { FailureKind, MeasurePoint } from '../engine/types';

/** A link carries at most 256 KiB of compressed state: 350,000 base64url characters. */
export const MAX_FRAGMENT_CHARS = 350_000;
export const MAX_STATE_BYTES = 2_000_000; // decompressed: guards against a deflate bomb
export const MAX_SHARED_POINTS = 400;

const PresetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('heldout') }),
  z.object({ kind: z.literal('copy'), distance: z.number().int().min(1).max(65536), seed: z.number().int() }),
  z.object({ kind: z.literal('needle'), seed: z.number().int() }),
  z.object({ kind: z.literal('mirror'), seed: z.number().int() }),
]);

const ModelId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'not a model id');
const Backend = z.enum(['webgpu', 'wasm']);
const Context = z.number().int().min(1).max(1 << 20);
const Num = z.number().nonnegative(); // zod 4 numbers are finite: no NaN, no Infinity
const FAILURE_KINDS = [
  'out-of-memory', 'buffer-limit', 'device-lost', 'invalid-model', 'over-limit',
  'bad-input', 'webgpu-unavailable', 'cancelled', 'unknown',
] as const satisfies readonly FailureKind[];

const Estimate = z.object({
  weightsBytes: Num, activationsBytes: Num, attentionBytes: Num, cacheBytes: Num, totalBytes: Num, flops: Num, largestTensorBytes: Num,
});
const PointBase = { modelId: ModelId, backend: Backend, contextLength: Context, numLatents: z.number().int().positive().optional(), estimate: Estimate };
const PointSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    ...PointBase,
    firstRunMs: Num,
    samplesMs: z.array(Num).max(1000),
    medianMs: Num,
    p95Ms: Num,
    tokensPerSec: Num,
    memory: z.object({ gpuAllocatedPeakBytes: Num.optional(), gpuAllocatedLiveBytes: Num.optional(), wasmHeapBytes: Num.optional(), jsHeapBytes: Num.optional() }),
    wasmThreads: z.number().int().nonnegative(),
  }),
  z.object({ ok: z.literal(false), ...PointBase, failure: z.object({ kind: z.enum(FAILURE_KINDS), message: z.string().max(1000) }) }),
]);

export const SharedStateSchema = z.object({
  v: z.literal(1),
  models: z.array(ModelId).max(20),
  backend: z.enum(['auto', 'webgpu', 'wasm']),
  context: Context,
  latents: z.number().int().min(1).max(65536).optional(),
  // absent: the link carries no input (the text was too long to share); the page keeps its default
  input: z.union([z.object({ preset: PresetSchema }), z.object({ text: z.string().max(MAX_STATE_BYTES) })]).optional(),
  sweep: z.object({ contexts: z.array(Context).max(32).optional(), backends: z.array(Backend).max(2) }).optional(),
  results: z.array(PointSchema).max(MAX_SHARED_POINTS).optional(),
  run: z.boolean().optional(),
});
export type SharedState = z.infer<typeof SharedStateSchema>;
// The schema must describe what the engine produces: a compile error here means they drifted apart.
const _pointsFit: MeasurePoint[] = [] as NonNullable<SharedState['results']>;
void _pointsFit;

const toB64url = (u8: Uint8Array) => {
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const fromB64url = (s: string) => {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

export class LinkTooLongError extends Error {}

/** The fragment (without '#') for a state; throws LinkTooLongError past MAX_FRAGMENT_CHARS. */
export function encodeState(state: SharedState): string {
  const frag = `s=${toB64url(deflateSync(strToU8(JSON.stringify(state)), { level: 9 }))}`;
  if (frag.length > MAX_FRAGMENT_CHARS)
    throw new LinkTooLongError(
      `The shared state is ${frag.length.toLocaleString('en-US')} characters compressed, over the ${MAX_FRAGMENT_CHARS.toLocaleString('en-US')} (256 KiB) a link may carry: share a preset or a shorter text.`,
    );
  return frag;
}

function inflateLimited(data: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  const inf = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > MAX_STATE_BYTES) throw new Error('too large once decompressed');
    chunks.push(chunk);
    if (final) finished = true;
  });
  inf.push(data, true);
  if (!finished) throw new Error('the compressed data is cut short');
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) (out.set(c, o), (o += c.length));
  return out;
}

export type Decoded = { ok: true; state: SharedState } | { ok: false; error: string } | { ok: true; state: null };

/** Reads `location.hash` (with or without '#'). No fragment: state null. Never throws. */
export function decodeState(hash: string): Decoded {
  const full = hash.replace(/^#/, '');
  if (!full) return { ok: true, state: null };
  const run = full.endsWith('&run=1');
  const frag = run ? full.slice(0, -'&run=1'.length) : full;
  if (frag.length > MAX_FRAGMENT_CHARS)
    return { ok: false, error: `This link is too long (${frag.length.toLocaleString('en-US')} characters; at most ${MAX_FRAGMENT_CHARS.toLocaleString('en-US')}).` };
  const m = /^s=([A-Za-z0-9_-]+)$/.exec(frag);
  if (!m) return { ok: false, error: 'This link is not a playground link (its fragment should be #s=… with base64url data).' };
  let json: unknown;
  try {
    json = JSON.parse(strFromU8(inflateLimited(fromB64url(m[1]))));
  } catch (e) {
    return { ok: false, error: `This link is damaged and could not be read (${(e as Error).message}).` };
  }
  const parsed = SharedStateSchema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      error: `This link has invalid settings, so none were applied: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || 'state'}: ${i.message}`)
        .join('; ')}.`,
    };
  return { ok: true, state: run ? { ...parsed.data, run: true } : parsed.data };
}
