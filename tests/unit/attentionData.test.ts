import { describe, expect, it } from 'vitest';
import { binWeights, peakOf } from '../../src/ui/attentionData';

describe('attention view data', () => {
  it('bins keep the total mass and cover every position once', () => {
    const w = Float32Array.from({ length: 1000 }, (_, i) => (i === 700 ? 0.5 : 0.5 / 999));
    const bins = binWeights(w, 64);
    expect(bins.length).toBeLessThanOrEqual(64);
    expect(bins.reduce((a, b) => a + b.mass, 0)).toBeCloseTo(1, 5);
    expect(bins[0].start).toBe(0);
    const size = bins[1].start;
    expect(bins.findIndex((b) => b.start <= 700 && 700 < b.start + size)).toBe(bins.indexOf(bins.reduce((a, b) => (b.mass > a.mass ? b : a))));
    expect(binWeights([0.25, 0.75], 512)).toEqual([{ start: 0, mass: 0.25 }, { start: 1, mass: 0.75 }]);
  });

  it('the peak is the unbinned argmax, with the mass around it', () => {
    const w = new Float32Array(300);
    w[10] = 0.2;
    w[150] = 0.5;
    w[160] = 0.3;
    expect(peakOf(w, 16)).toMatchObject({ offset: 150, weight: 0.5 });
    expect(peakOf(w, 16).near).toBeCloseTo(0.8);
  });
});
