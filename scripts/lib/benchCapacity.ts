// Issue 21: does a decode step cost what its valid rows need, or what the state holds? The same N decoded with the
// state preallocated at several capacities (bench --capacities), per backend, in rounds that interleave the
// capacities, a fresh worker each. Each capacity's figure is its best round's median step: on the software adapter
// the same configuration's median step went from 92 to 182 ms between workers (2 cores shared with the page and
// SwiftShader's threads), and such interference only ever adds time, so the best round is the closest to what the
// step itself costs (timeit's rule). On WebGPU the state lives in GPU buffers and the step graph reads only the
// valid rows, so the time should not follow the capacity. One run, never asserts.
import type { BenchPoint } from './benchReport';

export interface CapacityPoint {
  variant: string; // e.g. 'webgpu jsep' or 'wasm (default threads)'
  modelId: string;
  contextLength: number; // N: the valid rows the last step reads
  capacity: number; // positions the state was allocated for
  round?: number;
  point: BenchPoint;
  // captured steps (src/engine/capturedStep.ts): fixed shapes read the state at its capacity by design, so no 10%
  // verdict; compared instead with the plain steps of this variant at the same model, N and capacity
  capturedOf?: string;
}

const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const groupBy = <T>(xs: T[], key: (x: T) => string) => {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
};

export function capacityReport(points: CapacityPoint[]) {
  if (!points.length) return;
  console.log("\nDecode time at a fixed N against the state's capacity (issue 21: within 10% of the smallest capacity's)");
  console.log(['variant', 'model', 'N', 'capacity', 'state', 'on', 'median step per round', 'best round', 'x smallest'].join('\t'));
  for (const g of groupBy(points, (p) => `${p.variant}|${p.modelId}|${p.contextLength}`).values()) {
    const byCapacity = [...groupBy(g, (p) => String(p.capacity)).values()].sort((a, b) => a[0].capacity - b[0].capacity);
    const failed = byCapacity.filter((c) => c.some((p) => !p.point.decode?.ok)).map((c) => fmt(c[0].capacity));
    const best = (c: CapacityPoint[]) => Math.min(...c.flatMap((p) => (p.point.decode?.ok ? [p.point.decode.medianMs] : [])));
    const base = failed.length ? undefined : best(byCapacity[0]);
    let worst = 0;
    for (const c of byCapacity) {
      const ok = c.flatMap((p) => (p.point.decode?.ok ? [p.point.decode] : []));
      const m = ok.length ? best(c) : undefined;
      const r = m !== undefined && base !== undefined ? m / base : undefined;
      if (r !== undefined) worst = Math.max(worst, Math.abs(r - 1));
      const bad = c.find((p) => !p.point.decode?.ok)?.point.decode;
      console.log(
        [c[0].variant, c[0].modelId, fmt(c[0].contextLength), fmt(c[0].capacity), ok[0] ? `${fmt(ok[0].stateBytes / 2 ** 20, 1)} MiB` : '-', ok[0]?.stateOn ?? '-',
          ok.map((d) => `${fmt(d.medianMs, 2)} ms`).join(', ') + (bad && !bad.ok ? ` FAILED ${bad.failure.kind}: ${bad.failure.message}` : bad ? ' not measured' : ''),
          m !== undefined ? `${fmt(m, 2)} ms` : '-', r !== undefined ? `x${fmt(r, 3)}` : '-'].join('\t'),
      );
    }
    const { variant, modelId, contextLength, capturedOf } = byCapacity[0][0];
    const rounds = Math.max(...byCapacity.map((c) => c.length));
    const what = `${modelId} on ${variant} at N = ${fmt(contextLength)}, capacity ${fmt(byCapacity[0][0].capacity)} to ${fmt(byCapacity.at(-1)![0].capacity)} (${rounds} round${rounds === 1 ? '' : 's'})`;
    if (base === undefined) console.log(`  n/a   ${what}: not measured at capacity ${failed.join(', ')}`);
    else if (capturedOf) {
      const plain = (c: CapacityPoint[]) => points.filter((p) => p.variant === capturedOf && p.modelId === modelId && p.contextLength === contextLength && p.capacity === c[0].capacity);
      const against = byCapacity.map((c) => {
        const ps = plain(c);
        return ps.length && ps.every((p) => p.point.decode?.ok) ? `x${fmt(best(c) / best(ps), 2)} of the plain step at ${fmt(c[0].capacity)}` : `no plain step at ${fmt(c[0].capacity)}`;
      });
      console.log(`  n/a   ${what}: captured steps read the state at its capacity (fixed shapes), x${fmt(best(byCapacity.at(-1)!) / base, 2)} at the largest; ${against.join(', ')}`);
    }
    else console.log(`${worst <= 0.1 ? '  MET ' : '  MISS'}  ${what}: best round's median step within ${fmt(100 * worst, 1)}% of the smallest capacity's`);
  }
}
