// Reading a recall probe, teacher-forced, with fakes in place of ONNX Runtime: one forward and cached decoding give
// each answer byte the row after the true bytes before it (the same rows for a model whose logits depend only on the
// byte before), the decoding feeds the bytes before the first answer as a prefill and then one true byte at a time,
// and how each model reads a probe of a length (or why it cannot) is decided before anything runs.
import { describe, expect, it } from 'vitest';
import { load, recorder } from './fakeStep';
import type { Feed, RunFn } from '../../src/engine/graphRunner';
import { answerPositions, answerRows, guesses } from '../../src/engine/recallProbe';
import { recallPlan } from '../../src/engine/recall';
import { EngineError } from '../../src/engine/types';
import { makeProbe } from '../../src/tasks';

const T = load('transformer-tiny');
const tokens = (f: Feed) => Array.from(f.data as BigInt64Array, Number);
/** Logits that make byte (the row's own byte + 1) the argmax: a model that predicts from the byte before only. */
const nextOf = (ids: number[], rows: number) => {
  const logits = new Float32Array(rows * 256);
  ids.slice(ids.length - rows).forEach((b, r) => (logits[r * 256 + ((b + 1) % 256)] = 5));
  return logits;
};
const forward: RunFn = async (feeds) => {
  const ids = tokens(feeds.tokens);
  return { logits: { data: nextOf(ids, ids.length), dims: [1, ids.length, 256] } };
};

describe('a recall probe read teacher-forced', () => {
  const probe = makeProbe('mqar', { pairs: 8, queries: 4, distance: 300 }, 7);

  it('one forward and cached decoding give each answer byte the row after the true bytes before it', async () => {
    const rec = recorder(T);
    const step: RunFn = async (feeds) => {
      const out = await rec.run(feeds);
      const ids = tokens(feeds.tokens);
      return { ...out, logits: { data: nextOf(ids, ids.length), dims: [1, ids.length, 256] } };
    };
    const at = answerPositions(probe.answers);
    const want = at.map((q) => (probe.bytes[q - 1] + 1) % 256);
    const f = guesses(await answerRows(T, { forward }, probe.bytes, probe.answers, { mode: 'forward' }), 3);
    const d = guesses(await answerRows(T, { forward, step }, probe.bytes, probe.answers, { mode: 'decode' }), 3);
    expect(Array.from(f.predicted)).toEqual(want);
    expect(Array.from(d.predicted)).toEqual(want);
    expect(f.top.map((t) => t[0].byte)).toEqual(want);
    expect(f.top[0]).toHaveLength(3);
    // the prefill ends at the first answer byte; then one true byte per call up to the last answer byte
    const fed = rec.calls.map((c) => c.s);
    expect(fed.reduce((a, b) => a + b, 0)).toBe(at.at(-1));
    expect(fed.slice(-(at.at(-1)! - at[0]))).toEqual(Array(at.at(-1)! - at[0]).fill(1));
  });

  it('refuses a probe with no answer inside it', async () => {
    await expect(answerRows(T, { forward }, probe.bytes, [{ start: 0, length: 1 }], { mode: 'forward' })).rejects.toThrow(/answer bytes/);
    await expect(answerRows(T, { forward }, probe.bytes, probe.answers, { mode: 'decode' })).rejects.toThrow(/no step graph/);
  });
});

describe('how a model reads a probe of a length', () => {
  it('one forward within its limit, cached decoding past it, or why not, in words', () => {
    expect(recallPlan(T, 1024)).toEqual({ mode: 'forward', numLatents: undefined });
    expect(recallPlan(T, 4096)).toEqual({ mode: 'decode', numLatents: undefined });
    const over = recallPlan(T, 100_000) as EngineError;
    expect(over.kind).toBe('over-limit');
    expect(over.message).toBe("transformer-tiny reads at most 1,024 bytes in one forward and decodes at most 65,536 positions (its step graph's capacity): a 100,000-byte probe does not fit.");
    const noStep = recallPlan({ ...T, step: undefined }, 4096) as EngineError;
    expect(noStep.kind).toBe('invalid-model');
    expect(noStep.message).toMatch(/has no step graph for cached decoding, so it cannot read a 4,096-byte probe/);
  });

  it("Perceiver AR: the trained M, at least 64 and enough for every answer byte (the offline evaluation's rule)", () => {
    const P = load('perceiver-ar-tiny'); // trained with 16 latents
    expect(recallPlan(P, 1000)).toEqual({ mode: 'forward', numLatents: 64 });
    expect(recallPlan(P, 1000, 1000 - 80)).toEqual({ mode: 'forward', numLatents: 81 });
    expect(recallPlan(P, 40)).toEqual({ mode: 'forward', numLatents: 40 });
  });
});
