// Generation's rules with fakes in place of ONNX Runtime: the loop (bytes streamed, a stop ends it after the byte
// in progress, times per byte), the latent counts behind each byte through refills, the decode plan of the sweeps and
// the clear refusals of settings a model cannot run. The browser tests run it on the real graphs.
import { describe, expect, it } from 'vitest';
import { load, recorder } from './fakeStep';
import { cachedSource, decodeStats, generateBytes, type GenerateHooks, type NextByteSource } from '../../src/engine/generation';
import { decodePlan } from '../../src/engine/measureDecode';
import { generateProblem } from '../../src/engine/decoding';
import { defaultRefill } from '../../src/catalog/facts';

/** Logits that make byte `b` the argmax. */
const oneHot = (b: number) => Float32Array.from({ length: 256 }, (_, i) => (i === b ? 1 : 0));

/** A source whose next byte is always the last one fed plus 1 (the prefill: 65), recording what it was fed. */
function counting(): NextByteSource & { fed: number[] } {
  const fed: number[] = [];
  return {
    fed,
    prefill: async () => oneHot(65),
    feed: async (b) => (fed.push(b), oneHot(b + 1)),
    now: () => ({ refills: 0 }),
  };
}

const hooks = (o: Partial<GenerateHooks> = {}): GenerateHooks & { seen: number[] } => {
  const seen: number[] = [];
  let t = 0;
  return { seen, onByte: (b) => seen.push(b.byte), pause: async () => {}, stopRequested: () => false, clock: () => (t += 5), ...o };
};

describe('generation loop', () => {
  it('greedy: each sampled byte is fed back, streamed as it comes; the last one is not fed', async () => {
    const src = counting();
    const h = hooks();
    const r = await generateBytes(src, { maxBytes: 4, temperature: 0 }, h);
    expect(r.steps.map((s) => s.byte)).toEqual([65, 66, 67, 68]);
    expect(h.seen).toEqual([65, 66, 67, 68]);
    expect(src.fed).toEqual([65, 66, 67]);
    expect(r.steps.map((s) => s.ms)).toEqual([5, 5, 5, 5]);
    expect(r.stopped).toBe(false);
  });

  it('a stop ends it after the byte in progress, before the next step', async () => {
    const src = counting();
    let asked = false;
    const h = hooks({ onByte: (b) => (asked ||= b.byte === 66), stopRequested: () => asked });
    const r = await generateBytes(src, { maxBytes: 100 }, h);
    expect(r.steps.map((s) => s.byte)).toEqual([65, 66]);
    expect(src.fed).toEqual([65]);
    expect(r.stopped).toBe(true);
  });

  it('sampling with a seed repeats itself', async () => {
    const spread: NextByteSource = { prefill: async () => new Float32Array(256), feed: async () => new Float32Array(256), now: () => ({ refills: 0 }) };
    const run = async (seed: number) => (await generateBytes(spread, { maxBytes: 20, temperature: 1, topK: 256, seed }, hooks())).steps.map((s) => s.byte);
    expect(await run(3)).toEqual(await run(3));
    expect(await run(3)).not.toEqual(await run(4));
  });

  it('stats: the first byte is the prefill; decode median, p95, mean and rate over the rest', () => {
    expect(decodeStats([100, 2, 4, 6])).toEqual({ prefillMs: 100, medianMs: 4, p95Ms: 5.8, msPerByte: 4, bytesPerSec: 250 });
    expect(decodeStats([100])).toMatchObject({ prefillMs: 100, medianMs: undefined, bytesPerSec: undefined });
  });

  it("Perceiver AR: the latents behind each byte, F + k after a refill, as the step graph's calls show", async () => {
    const m = load('perceiver-ar-tiny'); // M 16, F = max(8, 16 - 128) = 8
    const { calls, run } = recorder(m, () => 7);
    const src = cachedSource(run, m, new Uint8Array(20), { maxBytes: 20 });
    const r = await generateBytes(src, { maxBytes: 20 }, hooks());
    // the prompt leaves F = 8 latents; 8 steps fill M = 16; the 10th byte's step refills to 8; and so on
    expect(r.steps.map((s) => s.latents)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 8, 9, 10, 11, 12, 13, 14, 15, 16, 8, 9]);
    expect(r.steps.map((s) => s.refills)).toEqual([...Array(9).fill(0), ...Array(9).fill(1), 2, 2]);
    expect(r.steps.every((s) => s.byte === 7)).toBe(true);
    // a refill is one call over the last F positions with an empty latent cache
    expect(calls.filter((c) => c.latent_valid === 0 && c.s === 8)).toHaveLength(2);
    expect(src.capacity).toBe(20 + 20 - 1);
  });

  it('a larger capacity (the bench asks for one) holds more state, yet each call is fed only the valid rows', async () => {
    const m = load('transformer-tiny');
    const fedRows = async (capacity?: number) => {
      const rows: number[] = [];
      const { run } = recorder(m, () => 7);
      const spy: typeof run = async (feeds) => (rows.push(feeds[m.step!.state[0].name].dims[0]), run(feeds));
      const src = cachedSource(spy, m, new Uint8Array(20), { maxBytes: 8, capacity });
      await generateBytes(src, { maxBytes: 8 }, hooks());
      return { rows, capacity: src.capacity, stateBytes: src.stateBytes! };
    };
    const small = await fedRows();
    const large = await fedRows(4096);
    expect(small.capacity).toBe(27);
    expect(large.capacity).toBe(4096);
    expect(large.stateBytes / small.stateBytes).toBeCloseTo(4096 / 27, 6);
    expect(large.rows).toEqual(small.rows); // what each step reads does not follow the capacity
    expect(small.rows.at(-1)).toBe(26);
    expect((await fedRows(3)).capacity).toBe(27); // never less than the prompt and bytes need
  });
});

describe('decode plan (sweeps)', () => {
  const pa = load('perceiver-ar-compare'); // M 256, F 128: a period of 129 bytes
  it('decoders: 32 steps after a prompt of N - 32', () => {
    expect(decodePlan(load('transformer-compare'), 8192)).toEqual({ prompt: 8160, steps: 32 });
  });
  it('Perceiver AR: whole refill periods when N leaves a prompt of F bytes; else 32 steps, and the note says why no refill', () => {
    expect(defaultRefill(pa.step!, 256)).toBe(128);
    expect(decodePlan(pa, 65536)).toEqual({ prompt: 65536 - 129, steps: 129 });
    expect(decodePlan(pa, 257)).toEqual({ prompt: 128, steps: 129 });
    expect(decodePlan(pa, 65536, 256, 240)).toEqual({ prompt: 65536 - 34, steps: 34 }); // two periods of 17
    const small = decodePlan(pa, 256);
    expect(small).toMatchObject({ prompt: 224, steps: 32 });
    expect(small.note).toMatch(/no refill.*N <= M/);
  });
});

describe('generation settings a model cannot run', () => {
  const t = load('transformer-compare');
  it('an empty prompt, a bad count, temperature, top-k or seed', () => {
    expect(generateProblem(t, 0, { maxBytes: 8 })?.message).toMatch(/prompt is empty/);
    expect(generateProblem(t, 10, { maxBytes: 0 })?.kind).toBe('bad-input');
    expect(generateProblem(t, 10, { maxBytes: 8, temperature: -1 })?.kind).toBe('bad-input');
    expect(generateProblem(t, 10, { maxBytes: 8, topK: 300 })?.message).toMatch(/1 to 256/);
    expect(generateProblem(t, 10, { maxBytes: 8, seed: 0.5 })?.kind).toBe('bad-input');
    expect(generateProblem(t, 10, { maxBytes: 8, temperature: 0.7, topK: 40, seed: 9 })).toBeUndefined();
  });
  it("a prompt past the step graph's capacity, cached; the window slides without the cache", () => {
    const cap = t.step!.maxCapacity!;
    expect(generateProblem(t, cap - 63, { maxBytes: 64 })).toBeUndefined();
    const e = generateProblem(t, cap - 62, { maxBytes: 64 });
    expect(e?.kind).toBe('over-limit');
    expect(e?.message).toMatch(/65,536/);
    expect(generateProblem(t, cap, { maxBytes: 64, cache: false })).toBeUndefined();
    expect(generateProblem(load('transformer-xl-tiny'), 10 ** 6, { maxBytes: 64 })).toBeUndefined(); // a fixed memory
  });
});
