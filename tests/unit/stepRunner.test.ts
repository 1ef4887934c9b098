// The cached-decoding driver's rules with a recording fake in place of ONNX Runtime: which calls it makes
// (chunks, Transformer-XL segments, Perceiver AR refills) and how big its state is. The graph tests check the
// logits on the real step graphs.
import { describe, expect, it } from 'vitest';
import { load, recorder } from './fakeStep';
import { createDecoder, stateBytes } from '../../src/engine/stepRunner';
import { defaultRefill } from '../../src/catalog/facts';

describe('stepRunner', () => {
  it('state bytes: keys and values per layer and position (decoders), inputs and latents (Perceiver AR), fixed (XL)', () => {
    expect(stateBytes(load('transformer-compare'), 8192)).toBe(2 * 4 * 8192 * 128 * 4); // 32 MiB
    expect(stateBytes(load('perceiver-ar-compare'), 65536, 256)).toBe(2 * 65536 * 128 * 4 + 2 * 3 * 256 * 128 * 4);
    expect(stateBytes(load('primer-tiny'), 100)).toBe(2 * 2 * 100 * 32 * 4 + 2 * 3 * 2 * 32 * 4); // + the conv rows
    const xl = load('transformer-xl-tiny');
    expect(stateBytes(xl, 10)).toBe(stateBytes(xl, 10_000));
  });

  it('decoders: chunks of at most `chunk`, each at the position after the last', async () => {
    const m = load('transformer-tiny');
    const { calls, run } = recorder(m);
    const dec = createDecoder(run, m, { capacity: 100, chunk: 16 });
    const out = await dec.append(new Uint8Array(40), 'all');
    await dec.append([1]);
    expect(calls).toEqual([{ s: 16, past: 0 }, { s: 16, past: 16 }, { s: 8, past: 32 }, { s: 1, past: 40 }]);
    expect([out.rows, out.start, dec.length]).toEqual([40, 0, 41]);
  });

  it('a "cached" state is fed only the rows written so far (a view of its first bytes; one row before any), others whole', async () => {
    const m = load('transformer-tiny'); // keys_i, values_i: ["cached", 2, 16]
    const fed: { rows: number; offset: number; buffer: ArrayBufferLike }[] = [];
    const { run: fake } = recorder(m);
    const dec = createDecoder(async (feeds) => {
      const k = feeds.keys_1;
      fed.push({ rows: k.dims[0], offset: k.data.byteOffset, buffer: k.data.buffer });
      const out = await fake(feeds);
      out.new_keys_1.data.fill(fed.length); // the rows this call wrote, marked with the call's number
      return out;
    }, m, { capacity: 100, chunk: 16 });
    await dec.append(new Uint8Array(20));
    await dec.append([1]);
    await dec.append([2]);
    expect(fed.map((f) => f.rows)).toEqual([1, 16, 20, 21]);
    expect(fed.every((f) => f.offset === 0 && f.buffer === fed[0].buffer)).toBe(true); // the state itself, no copy
    expect(fed[0].buffer.byteLength).toBe(100 * 2 * 16 * 4); // allocated at the capacity
    const rows = new Float32Array(fed[0].buffer, 0, 22 * 32).filter((_, i) => i % 32 === 0);
    expect(Array.from(rows)).toEqual([...Array(16).fill(1), ...Array(4).fill(2), 3, 4]);
  });

  it("Perceiver AR: a call's latents are capped so their scores over the cache stay within maxScores", async () => {
    const m = load('perceiver-ar-tiny'); // 2 heads, M = 16, F = 8
    const { calls, run } = recorder(m);
    // at most floor(600 / (2 heads x (past + chunk))) latents a call
    const dec = createDecoder(run, m, { capacity: 80, chunk: 16, maxScores: 600 });
    const prompt = await dec.append(new Uint8Array(40), 'all');
    expect([prompt.rows, prompt.start, dec.latents]).toEqual([8, 32, 8]);
    expect(calls.map((c) => [c.past, c.s, c.num_latents])).toEqual([[0, 16, 1], [16, 16, 1], [32, 6, 6], [38, 2, 2]]);
  });

  it('Transformer-XL: calls stop at segment boundaries, where the memory shifts', async () => {
    const m = load('transformer-xl-tiny'); // segments and memory of 16
    const { calls, run } = recorder(m);
    const dec = createDecoder(run, m, { capacity: 0 });
    await dec.append(new Uint8Array(20));
    await dec.append(new Uint8Array(30));
    expect(calls).toEqual([
      { s: 16, mem_valid: 0, seg_valid: 0 },
      { s: 4, mem_valid: 16, seg_valid: 0 },
      { s: 12, mem_valid: 16, seg_valid: 4 },
      { s: 16, mem_valid: 16, seg_valid: 0 },
      { s: 2, mem_valid: 16, seg_valid: 0 },
    ]);
    expect(dec.maxLength).toBe(Infinity);
  });

  it('Perceiver AR: the prompt leaves F latents; each byte adds one; at M the next byte refills to F', async () => {
    const m = load('perceiver-ar-tiny'); // M = 16, default F = 8
    expect(defaultRefill(m.step!, 16)).toBe(8);
    expect(defaultRefill(m.step!, 256)).toBe(128);
    expect(defaultRefill(m.step!, 1024)).toBe(896); // flaxformer's M - 128
    const { calls, run } = recorder(m);
    const dec = createDecoder(run, m, { capacity: 80, chunk: 16 });
    const prompt = await dec.append(new Uint8Array(40), 'all');
    expect([prompt.rows, prompt.start, dec.latents]).toEqual([8, 32, 8]);
    // the bytes before the last F only get cross-attention keys/values (one latent computed, not kept)
    expect(calls.splice(0)).toEqual([
      { s: 16, past: 0, num_latents: 1, latent_valid: 0 },
      { s: 16, past: 16, num_latents: 1, latent_valid: 0 },
      { s: 8, past: 32, num_latents: 8, latent_valid: 0 },
    ]);
    const latents: number[] = [];
    for (let i = 0; i < 20; i++) {
      await dec.append([i]);
      latents.push(dec.latents);
    }
    expect(latents).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 8, 9, 10, 11, 12, 13, 14, 15, 16, 8, 9, 10]);
    expect(dec.refills).toBe(2);
    // the first refill: the byte at position 48 and the 7 before it, with an empty latent cache
    expect(calls[8]).toEqual({ s: 8, past: 41, num_latents: 8, latent_valid: 0 });
    expect(calls[7]).toEqual({ s: 1, past: 47, num_latents: 1, latent_valid: 15 });
  });

  it('Perceiver AR + input conv: each call gets the step.lookback bytes before its first, zeros before the start', async () => {
    const m = load('perceiver-ar-conv-tiny'); // M = 16, F = 8, lookback 3
    expect(m.step!.lookback).toBe(3);
    const { calls, run } = recorder(m);
    const prev: number[][] = [];
    const dec = createDecoder(async (feeds) => (prev.push(Array.from(feeds.prev_tokens.data, Number)), run(feeds)), m, { capacity: 64, chunk: 16 });
    const bytes = Array.from({ length: 40 }, (_, i) => 100 + i);
    await dec.append(bytes.slice(0, 20)); // calls at 0 (16 bytes) and 16 (4 bytes): the prompt's last 8 become latents
    expect(prev.splice(0)).toEqual([[0, 0, 0], [113, 114, 115]]);
    calls.splice(0);
    for (const b of bytes.slice(20, 30)) await dec.append([b]); // positions 20..27 add latents; 28 refills; 29 steps
    expect(prev[0]).toEqual([117, 118, 119]); // the step at position 20
    expect(dec.refills).toBe(1);
    const refill = calls.findIndex((c) => c.s === 8);
    expect(calls[refill].past).toBe(21); // the refill re-reads positions 21..28 ...
    expect(prev[refill]).toEqual([118, 119, 120]); // ... with the 3 bytes before 21
    expect(prev.at(-1)).toEqual([126, 127, 128]); // the step at position 29
  });

  it('refuses a refill outside 1..M, a failed decoder, overlapping calls', async () => {
    const m = load('perceiver-ar-tiny');
    expect(() => createDecoder(async () => ({}), m, { capacity: 10, refillTo: 17 })).toThrow(/refill/);
    const broken = createDecoder(async () => Promise.reject(new Error('boom')), m, { capacity: 10 });
    await expect(broken.append([1, 2])).rejects.toThrow('boom');
    await expect(broken.append([3])).rejects.toThrow(/failed earlier/);
    const { run } = recorder(m);
    const dec = createDecoder(run, m, { capacity: 10 });
    const first = dec.append([1, 2]);
    await expect(dec.append([3])).rejects.toThrow(/while another/);
    await first;
  });
});
