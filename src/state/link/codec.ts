// A link's fragment (#s=...) and its JSON: deflated (fflate), base64url, size-limited both ways. It knows nothing of
// what a link holds (fields.ts validates that), so Node scripts and tests can make links with it. A person may append
// "&run=1" to any link to have it re-run the models when opened.
import { deflateSync, Inflate, strToU8, strFromU8 } from 'fflate';

/** A link carries at most 256 KiB of compressed state: 350,000 base64url characters. */
export const MAX_FRAGMENT_CHARS = 350_000;
/** A link's JSON once decompressed: guards against a deflate bomb. */
export const MAX_STATE_BYTES = 2_000_000;

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

/** The fragment (without '#') for a link's JSON; throws LinkTooLongError past MAX_FRAGMENT_CHARS. */
export function encodeFragment(json: object): string {
  const frag = `s=${toB64url(deflateSync(strToU8(JSON.stringify(json)), { level: 9 }))}`;
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

export type Fragment = { ok: true; json: unknown; run: boolean } | { ok: false; error: string };

/** Reads `location.hash` (with or without '#') to the link's JSON, not yet validated; null without a fragment. Never throws. */
export function decodeFragment(hash: string): Fragment | null {
  const full = hash.replace(/^#/, '');
  if (!full) return null;
  const run = full.endsWith('&run=1');
  const frag = run ? full.slice(0, -'&run=1'.length) : full;
  if (frag.length > MAX_FRAGMENT_CHARS)
    return { ok: false, error: `This link is too long (${frag.length.toLocaleString('en-US')} characters; at most ${MAX_FRAGMENT_CHARS.toLocaleString('en-US')}).` };
  const m = /^s=([A-Za-z0-9_-]+)$/.exec(frag);
  if (!m) return { ok: false, error: 'This link is not a playground link (its fragment should be #s=… with base64url data).' };
  try {
    return { ok: true, json: JSON.parse(strFromU8(inflateLimited(fromB64url(m[1])))), run };
  } catch (e) {
    return { ok: false, error: `This link is damaged and could not be read (${(e as Error).message}).` };
  }
}
