// The one codec between the page state and the URL fragment (#s=...): JSON, deflated (fflate), base64url.
// Everything read back is validated; a bad link yields an error message and nothing else.
import { deflateSync, Inflate, strToU8, strFromU8 } from 'fflate';
import { z } from 'zod';

export const MAX_FRAGMENT_CHARS = 350_000; // ~256 KiB of compressed state
export const MAX_STATE_BYTES = 2_000_000; // decompressed: guards against a deflate bomb

const PresetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('heldout') }),
  z.object({ kind: z.literal('copy'), distance: z.number().int().min(1).max(65536), seed: z.number().int() }),
  z.object({ kind: z.literal('needle'), seed: z.number().int() }),
]);

export const SharedStateSchema = z.object({
  v: z.literal(1),
  models: z.array(z.string().regex(/^[a-z0-9-]{1,64}$/)).max(20),
  backend: z.enum(['auto', 'webgpu', 'wasm']),
  context: z.number().int().min(1).max(1 << 20),
  latents: z.number().int().min(1).max(65536).optional(),
  input: z.union([z.object({ preset: PresetSchema }), z.object({ text: z.string().max(MAX_STATE_BYTES) })]),
  sweep: z.object({ contexts: z.array(z.number().int().min(1).max(1 << 20)).max(32).optional(), backends: z.array(z.enum(['webgpu', 'wasm'])).max(2) }).optional(),
  run: z.boolean().optional(),
});
export type SharedState = z.infer<typeof SharedStateSchema>;

const toB64url = (u8: Uint8Array) => {
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const fromB64url = (s: string) => {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

export function encodeState(state: SharedState): string {
  const frag = `s=${toB64url(deflateSync(strToU8(JSON.stringify(state)), { level: 9 }))}`;
  if (frag.length > MAX_FRAGMENT_CHARS) throw new Error(`The shared state is ${frag.length.toLocaleString()} characters, over the ${MAX_FRAGMENT_CHARS.toLocaleString()} a link may carry: share a preset or a shorter text.`);
  return frag;
}

function inflateLimited(data: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inf = new Inflate((chunk) => {
    total += chunk.length;
    if (total > MAX_STATE_BYTES) throw new Error('too large once decompressed');
    chunks.push(chunk);
  });
  inf.push(data, true);
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) (out.set(c, o), (o += c.length));
  return out;
}

export type Decoded = { ok: true; state: SharedState } | { ok: false; error: string } | { ok: true; state: null };

/** Reads `location.hash` (with or without '#'). No fragment: state null. */
export function decodeState(hash: string): Decoded {
  const frag = hash.replace(/^#/, '');
  if (!frag) return { ok: true, state: null };
  if (frag.length > MAX_FRAGMENT_CHARS) return { ok: false, error: `This link is too long (${frag.length.toLocaleString()} characters; at most ${MAX_FRAGMENT_CHARS.toLocaleString()}).` };
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
    return { ok: false, error: `This link has invalid settings: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'state'}: ${i.message}`).join('; ')}.` };
  return { ok: true, state: parsed.data };
}
