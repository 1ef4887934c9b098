import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/engine/profile';
import type { ProfileResult } from '../../src/state/points';
import { BETWEEN, SEGMENTS, profilesCsv, stackedRows } from '../../src/ui/profileData';

const profile = (n: number, runMs: number): ProfileResult => ({
  ok: true, modelId: 'perceiver-ar-tiny', backend: 'wasm', contextLength: n, windows: 2, runMs, opsMs: 70, kernels: 100,
  byCategory: { 'attention scores': 10, softmax: 20, 'weighted values': 10, 'projections and MLP': 20, 'masks, positions, gathers and casts': 5, layout: 3, other: 2 },
  top: [{ name: '/cross/Softmax', opType: 'Softmax', category: 'softmax', ms: 20, shape: '1x2x16x256' }],
  source: 'ort-trace',
  provenance: { browser: 'B 1', platform: 'p', hardwareThreads: 2, crossOriginIsolated: true, ep: 'wasm', wasmThreads: 1, ort: '1.30.0', app: 'a', measuredAt: '2026-11-30T12:00:00.000Z' },
});

describe('profile view data', () => {
  it('stacks each window to 100%: the categories and what lies between operators', () => {
    const rows = stackedRows([profile(1024, 80), profile(256, 100)]).get('perceiver-ar-tiny (wasm)')!;
    expect(rows.map((r) => r.n)).toEqual([256, 1024]);
    for (const r of rows) expect(SEGMENTS.reduce((s, k) => s + r[k], 0)).toBeCloseTo(100, 9);
    expect(rows[0][BETWEEN]).toBeCloseTo(30);
    expect(rows[1].softmax).toBeCloseTo(25);
  });
  it('writes a CSV line per category (with the remainder) and per top operator', () => {
    const lines = profilesCsv([profile(256, 100)]).trim().split('\n');
    expect(lines).toHaveLength(1 + CATEGORIES.length + 1 + 1);
    expect(lines.at(-1)).toContain('operator,/cross/Softmax,Softmax,softmax,20,0.2,1x2x16x256');
  });
});
