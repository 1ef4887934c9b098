// The summary table: every compared model over the same bytes; what each scored alone beside it.
import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../src/engine/types';
import { summarize } from '../../src/ui/summaryData';
import { manifests } from './stateFixtures';

const byId = (id: string) => manifests.find((m) => m.id === id)!;
const est = { weightsBytes: 0, activationsBytes: 0, attentionBytes: 0, cacheBytes: 0, totalBytes: 3 * 2 ** 20, flops: 0, largestTensorBytes: 0 };

/** A prediction over the last n bytes of a `len`-byte input that scores `scored` bytes, surprisal = input offset % 7. */
function pred(id: string, len: number, n: number, scored: number, windowStart = len - n): Prediction {
  const scoredStart = n - scored;
  const bits = Array.from({ length: scored }, (_, i) => (windowStart + scoredStart + i) % 7);
  return {
    modelId: id, backend: 'wasm', contextLength: n, requestedContext: n, windowStart, coveredStart: scoredStart - 1, scoredStart, surprisalBits: bits,
    bitsPerByte: bits.reduce((a, b) => a + b, 0) / scored, top: [], topStart: n, nextTop: [], latencyMs: 5,
  };
}
const mean = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => (from + i) % 7).reduce((a, b) => a + b, 0) / (to - from);

describe('summary', () => {
  it('every model over the bytes all of them scored, and its own figure beside it', () => {
    const s = summarize([
      { id: 'perceiver-ar-compare', manifest: byId('perceiver-ar-compare'), prediction: pred('perceiver-ar-compare', 5000, 1024, 255), sameInput: true, run: { first: true, estimate: est } },
      { id: 'transformer-compare', manifest: byId('transformer-compare'), prediction: pred('transformer-compare', 5000, 1024, 1023), sameInput: true, run: { first: false, estimate: est } },
    ]);
    expect(s.shared).toEqual({ from: 5000 - 255, to: 5000 });
    expect(s.rows[0].sharedBpb).toBeCloseTo(mean(4745, 5000));
    expect(s.rows[1].sharedBpb).toBeCloseTo(mean(4745, 5000));
    expect(s.rows[1].ownBpb).toBeCloseTo(mean(5000 - 1023, 5000));
    expect(s.rows[1]).toMatchObject({ ownBytes: 1023, window: 1024, pastTraining: 512, first: false, memory: { bytes: 3 * 2 ** 20, measured: false } });
    expect(s.rows[0].pastTraining).toBeUndefined(); // trained at 2,048
  });
  it('a model that reads the first N bytes shares none with the others: it is left apart, the others compared', () => {
    const s = summarize([
      { id: 'perceiver-ar-copy', manifest: byId('perceiver-ar-copy'), prediction: pred('perceiver-ar-copy', 65536, 1024, 255, 0), sameInput: true },
      { id: 'transformer-compare', manifest: byId('transformer-compare'), prediction: pred('transformer-compare', 65536, 1024, 1023), sameInput: true },
      { id: 'perceiver-ar-compare', manifest: byId('perceiver-ar-compare'), prediction: pred('perceiver-ar-compare', 65536, 1024, 255), sameInput: true },
    ]);
    expect(s.apart).toEqual(['perceiver-ar-copy']);
    expect(s.shared).toEqual({ from: 65536 - 255, to: 65536 });
    expect(s.rows[0].sharedBpb).toBeUndefined();
    expect(s.rows[0].ownBpb).toBeDefined();
  });
  it('a prediction on an earlier input, a failure and a model not run yet are rows, not part of the comparison', () => {
    const s = summarize([
      { id: 'transformer-compare', manifest: byId('transformer-compare'), prediction: pred('transformer-compare', 5000, 1024, 1023), sameInput: false },
      { id: 'transformer-tiny', manifest: byId('transformer-tiny'), sameInput: true, error: 'Out of memory.', errorKind: 'out-of-memory' },
      { id: 'primer-compare', manifest: byId('primer-compare'), sameInput: true, busy: true },
    ]);
    expect(s.shared).toBeUndefined();
    expect(s.rows.map((r) => r.sharedBpb)).toEqual([undefined, undefined, undefined]);
    expect(s.rows[0].otherInput).toBe(true);
    expect(s.rows[1]).toMatchObject({ untrained: true, error: 'Out of memory.' });
  });
});
