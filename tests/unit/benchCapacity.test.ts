// The bench's capacity check (scripts/lib/benchCapacity.ts): the verdict compares each capacity's median step (its
// best round's) with the smallest capacity's, per model, backend and N.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { capacityReport, type CapacityPoint } from '../../scripts/lib/benchCapacity';

const point = (capacity: number, medianMs: number | undefined): CapacityPoint => ({
  variant: 'webgpu jsep',
  modelId: 'transformer-tiny',
  contextLength: 512,
  capacity,
  point: {
    ok: false,
    modelId: 'transformer-tiny',
    backend: 'webgpu',
    contextLength: 512,
    variant: 'webgpu jsep',
    failure: { kind: 'skipped', message: 'decoding only' },
    estimate: null as never,
    decode:
      medianMs === undefined
        ? { ok: false, failure: { kind: 'out-of-memory', message: 'no room' } }
        : { ok: true, promptBytes: 480, prefillMs: 1, stepsMs: [medianMs], msPerByte: medianMs, medianMs, p95Ms: medianMs, refills: 0, stateBytes: capacity * 1024, capacity, stateOn: 'gpu', memory: {} as never },
  },
});

const verdicts = (points: CapacityPoint[]) => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
  capacityReport(points);
  return lines.filter((l) => /^ {2}(MET|MISS|n\/a)/.test(l));
};

afterEach(() => vi.restoreAllMocks());

describe('bench capacity check', () => {
  it('is met within 10% of the smallest capacity, missed beyond, in either direction', () => {
    expect(verdicts([point(65536, 10.9), point(1024, 10), point(16384, 9.5)])[0]).toMatch(/^ {2}MET .*capacity 1,024 to 65,536.*within 9\.0%/);
    expect(verdicts([point(1024, 10), point(65536, 11.5)])[0]).toMatch(/^ {2}MISS .*within 15\.0%/);
    expect(verdicts([point(1024, 10), point(65536, 8.5)])[0]).toMatch(/^ {2}MISS/);
  });
  it('takes the best round, so a slow worker (interference only adds time) does not decide', () => {
    const rounds = [point(1024, 10), point(65536, 10.4), point(1024, 18), point(65536, 14), point(1024, 9.9), point(65536, 10.5)];
    expect(verdicts(rounds)[0]).toMatch(/^ {2}MET .*\(3 rounds\).*within 5\.1%/);
    expect(verdicts([point(1024, 10), point(65536, 12), point(1024, 10.1), point(65536, 11.5)])[0]).toMatch(/^ {2}MISS .*within 15\.0%/);
  });
  it('holds captured steps to no verdict (they read the state at its capacity) and compares them with the plain ones', () => {
    const captured = (c: number, ms: number): CapacityPoint => ({ ...point(c, ms), variant: 'webgpu jsep, captured steps', capturedOf: 'webgpu jsep' });
    const v = verdicts([point(1024, 10), point(16384, 10.5), captured(1024, 8), captured(16384, 40)]);
    expect(v[0]).toMatch(/^ {2}MET /);
    expect(v[1]).toMatch(/^ {2}n\/a .*captured steps read the state at its capacity.*x5\.00 at the largest; x0\.80 of the plain step at 1,024, x3\.81 of the plain step at 16,384/);
  });
  it('gives no verdict when a capacity failed', () => {
    expect(verdicts([point(1024, 10), point(65536, undefined)])[0]).toMatch(/^ {2}n\/a .*not measured at capacity 65,536/);
    expect(verdicts([point(1024, 10), point(4096, 10.2), point(65536, undefined)])[0]).toMatch(/^ {2}n\/a /);
  });
});
