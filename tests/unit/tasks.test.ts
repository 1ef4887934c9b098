import { describe, expect, it } from 'vitest';
import { answerBytes, makeProbe, scoreAnswer } from '../../src/tasks';
import { seededRandom } from '../../src/engine/sampling';
import { mirrorText } from '../../src/state/presets';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('recall tasks', () => {
  it('MQAR: each answer is the value that followed its key, within the last 64 bytes', () => {
    for (const seed of [0, 1, 99]) {
      const p = makeProbe('mqar', { pairs: 16, queries: 8, distance: 1000, length: 1200 }, seed);
      const s = text(p.bytes);
      expect(p.bytes.length).toBe(1200);
      expect(p.answers).toHaveLength(8);
      for (const a of p.answers) {
        expect(a.start).toBeGreaterThanOrEqual(1200 - 64);
        const key = s.slice(a.start - 2, a.start);
        const first = s.indexOf(key);
        expect(s.lastIndexOf(key)).toBe(a.start - 2);
        expect(s.slice(first + 2, first + 4)).toBe(s.slice(a.start, a.start + 2));
        expect(first).toBeLessThan(1200 - 1000 + 16 * 5);
      }
    }
  });

  it('needle: the answer is the planted value, and the same seed gives the same probe', () => {
    const filler = new TextEncoder().encode('the quick brown fox jumps over the lazy dog. '.repeat(100));
    const p = makeProbe('needle', { length: 2000, depth: 0.5 }, 4, filler);
    const planted = p.planted![0].text;
    expect(text(answerBytes(p)[0])).toBe(planted.slice(3, 5));
    expect(Math.abs(p.planted![0].start - 0.5 * (2000 - 11))).toBeLessThanOrEqual(0.5);
    expect(makeProbe('needle', { length: 2000, depth: 0.5 }, 4, filler).bytes).toEqual(p.bytes);
    expect(makeProbe('needle', { length: 2000, depth: 0.5 }, 5, filler).bytes).not.toEqual(p.bytes);
  });

  it("mirrored copy is the page's mirror preset, and the engine's PRNG is the tasks' one", () => {
    expect(text(makeProbe('mirrored-copy', { length: 512 }, 3).bytes)).toBe(mirrorText(3, 512));
    expect(seededRandom(1)() * 2 ** 32).toBe(2693262067);
  });

  it('refuses parameters that do not fit, in words', () => {
    expect(() => makeProbe('mqar', { pairs: 10, distance: 40 }, 0)).toThrow(/need a distance of at least/);
    expect(() => makeProbe('needle', { length: 100, depth: 0.5 }, 0)).toThrow(/filler text/);
  });

  it('scores exact answers and right bytes', () => {
    expect(scoreAnswer(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toEqual({ exact: true, bytesRight: 2 });
    expect(scoreAnswer(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toEqual({ exact: false, bytesRight: 1 });
  });
});
