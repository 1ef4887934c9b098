// The bench's floor of a decoded byte (scripts/lib/benchFloor.ts): the state it counts is the state the decoder holds
// where the attention reads all of it, and the FLOPs grow with N as each kind's attention does.
import { describe, expect, it } from 'vitest';
import { load } from './fakeStep';
import { decodeCost, floorMs } from '../../scripts/lib/benchFloor';
import { stateBytes } from '../../src/engine/stepRunner';

describe('bench floor', () => {
  it('reads the whole K/V cache of a full-attention decoder and Perceiver AR, as the decoder allocates it', () => {
    for (const id of ['transformer-compare', 'transformer-pp-compare', 'memory-efficient-compare'])
      for (const n of [1024, 65536]) expect(decodeCost(load(id), n)!.readBytes).toBe(stateBytes(load(id), n));
    const pa = load('perceiver-ar-compare');
    expect(decodeCost(pa, 65536)!.readBytes).toBe(stateBytes(pa, 65536, 256));
  });

  it('grows with N where the attention does: linearly for full attention and Perceiver AR, not for a window or a recurrence', () => {
    const ratio = (id: string) => decodeCost(load(id), 65536)!.flops / decodeCost(load(id), 8192)!.flops;
    expect(ratio('transformer-compare')).toBeGreaterThan(5);
    expect(ratio('perceiver-ar-compare')).toBeGreaterThan(5);
    expect(ratio('sliding-window-compare')).toBe(1);
    expect(ratio('linear-transformer-compare')).toBe(1);
  });

  it('is the copy at the bandwidth plus the FLOPs at the peak', () => {
    expect(floorMs({ readBytes: 2e9, flops: 30e9 }, 10, 30)).toBeCloseTo(200 + 1000);
  });
});
