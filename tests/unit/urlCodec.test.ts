import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { deflateSync, strToU8 } from 'fflate';
import { decodeState, encodeState, MAX_FRAGMENT_CHARS, type SharedState } from '../../src/state/link';
import { copyText, MIRROR_LENGTH, mirrorText, needleProbe, presetText } from '../../src/state/presets';

const state: SharedState = {
  v: 1,
  models: ['perceiver-ar-compare', 'transformer-compare'],
  backend: 'wasm',
  context: 4096,
  latents: 256,
  input: { text: 'Hello <script>alert(1)</script> — naïve' },
  sweep: { backends: ['wasm'], contexts: [256, 1024] },
  run: true,
};
const b64 = (u8: Uint8Array) => Buffer.from(u8).toString('base64url');

describe('share-link codec', () => {
  it('round-trips the state exactly, text included', () => {
    const d = decodeState(`#${encodeState(state)}`);
    expect(d).toEqual({ ok: true, state });
  });
  it('round-trips presets', () => {
    const s = { ...state, input: { preset: { kind: 'copy', distance: 1024, seed: 3 } } } as SharedState;
    expect(decodeState(encodeState(s))).toEqual({ ok: true, state: s });
  });
  it('round-trips the mirrored-copy preset and rejects one without a seed', () => {
    const s = { ...state, input: { preset: { kind: 'mirror', seed: 2 } } } as SharedState;
    expect(decodeState(encodeState(s))).toEqual({ ok: true, state: s });
    const bad = { ...state, input: { preset: { kind: 'mirror' } } } as unknown as SharedState;
    expect(decodeState(`#s=${b64(deflateSync(strToU8(JSON.stringify(bad))))}`).ok).toBe(false);
  });
  it('no fragment means no shared state', () => expect(decodeState('')).toEqual({ ok: true, state: null }));
  const packed = (x: unknown) => `#s=${b64(deflateSync(strToU8(JSON.stringify(x))))}`;
  it.each([
    ['no s= field', '#hello', /not a playground link/],
    ['bad characters', '#s=!!!', /not a playground link/],
    ['not deflate data', '#s=AAAA', /damaged/],
    ['wrong field types', packed({ v: 1, models: 'x' }), /invalid settings/],
    ['unknown backend', packed({ ...state, backend: 'cuda' }), /backend/],
    ['markup as a model id', packed({ ...state, models: ['<img src=x onerror=alert(1)>'] }), /models/],
    ['oversized fragment', `#s=${'A'.repeat(MAX_FRAGMENT_CHARS + 1)}`, /too long/],
  ])('rejects a link with %s', (_label, hash, re) => {
    const d = decodeState(hash);
    expect(d.ok).toBe(false);
    expect((d as { error: string }).error).toMatch(re);
  });
  it('refuses a deflate bomb', () => {
    const bomb = `#s=${b64(deflateSync(strToU8(JSON.stringify({ ...state, input: { text: 'a'.repeat(3_000_000) } }))))}`;
    const d = decodeState(bomb);
    expect(d.ok).toBe(false);
    expect((d as { error: string }).error).toMatch(/too large/);
  });
  it('refuses to encode a state too big for a link', () => {
    const rnd = Buffer.from(Array.from({ length: 300_000 }, () => Math.floor(Math.random() * 256))).toString('base64'); // incompressible
    expect(() => encodeState({ ...state, input: { text: rnd } })).toThrow(/over the/);
  });
});

describe('presets', () => {
  it('copy task: a printable string followed by itself, reproducible from its seed', () => {
    const t = copyText(64, 5);
    expect(t.length).toBe(128);
    expect(t.slice(0, 64)).toBe(t.slice(64));
    expect(/^[\x21-\x7e]+$/.test(t)).toBe(true);
    expect(copyText(64, 5)).toBe(t);
    expect(copyText(64, 6)).not.toBe(t);
  });
  it("mirrored copy (the paper's task): random printable half, then the same reversed, seeded", () => {
    const t = mirrorText(4);
    expect(t.length).toBe(MIRROR_LENGTH);
    const half = MIRROR_LENGTH / 2;
    expect(t.slice(half)).toBe([...t.slice(0, half)].reverse().join(''));
    expect(/^[\x21-\x7e]+$/.test(t)).toBe(true);
    expect(mirrorText(4)).toBe(t);
    expect(mirrorText(5)).not.toBe(t);
    expect(mirrorText(1, 8)).toHaveLength(8);
  });
  it("needle: the recall task's probe over the held-out text, the planted pair at its depth and asked again at the end", async () => {
    const heldout = readFileSync('public/data/heldout.txt', 'utf8');
    vi.stubGlobal('fetch', async () => new Response(heldout));
    vi.stubGlobal('location', { href: 'http://localhost/' });
    try {
      const probe = await needleProbe({ kind: 'needle', seed: 3 });
      expect(probe.bytes.length).toBe(4096);
      const planted = probe.planted![0];
      expect(planted.start).toBe(Math.floor(0.25 * (4096 - 11) + 0.5));
      const text = new TextDecoder().decode(probe.bytes);
      expect(text.slice(planted.start, planted.start + planted.length)).toBe(planted.text);
      expect(text.endsWith(planted.text.trimEnd())).toBe(true); // " AB12" asked at the end, its value the answer
      expect(probe.answers).toEqual([{ start: 4094, length: 2 }]);
      expect(await presetText({ kind: 'needle', seed: 3 })).toBe(text);
      expect((await needleProbe({ kind: 'needle', seed: 3, length: 1024, depth: 0.5 })).bytes.length).toBe(1024);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
