// The attention kinds as the engine drives them (src/catalog/kinds), beyond what the step-runner tests cover.
import { describe, expect, it } from 'vitest';
import { load, recorder } from './fakeStep';
import { createDecoder } from '../../src/engine/stepRunner';
import type { RunFn } from '../../src/engine/graphRunner';

describe('latents kind', () => {
  it("feeds prev_tokens, the step graph's `lookback` bytes before each call's first, zeros before the start", async () => {
    const base = load('perceiver-ar-tiny'); // M = 16, F = 8
    const m = { ...base, step: { ...base.step!, lookback: 3 } };
    const { run: fake } = recorder(m);
    const prev: number[][] = [];
    const run: RunFn = (feeds) => (prev.push(Array.from(feeds.prev_tokens.data, Number)), fake(feeds));
    const dec = createDecoder(run, m, { capacity: 40, chunk: 4 });
    await dec.append(Uint8Array.from({ length: 10 }, (_, i) => i + 1)); // calls at 0, 4, 8
    await dec.append([11]); // at 10
    expect(prev).toEqual([[0, 0, 0], [2, 3, 4], [6, 7, 8], [8, 9, 10]]);
  });
});
