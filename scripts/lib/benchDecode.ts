// Cached decoding in npm run bench (issue 11): per model and N, the prefill, the decode ms per byte (Perceiver AR's
// refills included), the state, the speed-up over re-running the window (the one-shot forward's median at that N
// is what one byte costs without the cache), the largest N each model decodes next to its forward's, and the
// targets. Figures from one run, never asserts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecodePointOk } from '../../src/engine/types';
import type { Bench, BenchPoint } from './benchReport';
import { decodeCost, floorMs } from './benchFloor';
import { readManifest } from './nodeModel';

type Ok = Extract<BenchPoint, { ok: true }>;
const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const mib = (b: number) => `${fmt(b / 2 ** 20, 1)} MiB`;

/** The decode point of a model at N and the forward it is compared with (the page's default WASM variant). */
function pair(b: Bench, variant: string, id: string, n: number) {
  const p = b.decode.find((q) => q.modelId === id && q.contextLength === n);
  const d = p?.decode?.ok ? p.decode : undefined;
  const f = b.points.find((q) => q.variant === variant && q.modelId === id && q.contextLength === n);
  return { p, d, fwd: f?.ok ? (f as Ok) : undefined, fwdFailure: f && !f.ok ? f.failure : undefined };
}

const speedup = (d: DecodePointOk, fwd: Ok) => fwd.medianMs / d.msPerByte;

/** The floor at N (benchFloor.ts) from the variant's peak and copy bandwidth measured in this run. */
function floorOf(b: Bench, variant: string, id: string, n: number) {
  const peak = b.peaks.find((p) => p.variant === variant);
  const cost = decodeCost(readManifest(id), n);
  if (!peak?.ok || !peak.copyGBps || !cost) return undefined;
  return { ms: floorMs(cost, peak.copyGBps, peak.gflops), cost, peak };
}

export function decodeReport(b: Bench, variant: string) {
  if (!b.decode.length) return;
  const rows = ['model,context,ok,prompt_bytes,prefill_ms,decode_steps,decode_ms_per_byte,decode_median_ms,decode_p95_ms,refills,refill_to,state_bytes,wasm_heap_bytes,forward_median_ms,speedup,native_decode_ms_per_byte,floor_ms_per_byte,x_floor,ort_copy_ms_per_byte,ort_copy_bytes_per_byte,failure'];
  const peak = b.peaks.find((p) => p.variant === variant);
  if (peak?.ok && peak.copyGBps)
    console.log(`\nFloor of a decoded byte on ${variant}: the state the step reads, copied once at ${fmt(peak.copyGBps, 1)} GB/s (a 64 MiB typed-array copy in a worker), plus the step's analytic FLOPs at the MatMul peak, ${fmt(peak.gflops, 1)} GFLOP/s (both measured in this run); "ORT copy": what onnxruntime-web copied into its heap per step (the fed state), timed`);
  console.log(`\nCached decoding on ${variant} (the forward it is compared with: the same variant's median at N, the cost of one byte without the cache)`);
  console.log(['model', 'N', 'prefill', 'decode per byte (median, p95)', 'refills', 'state', 'forward', 'speed-up', 'native decode', 'floor', 'x floor', 'ORT copy per byte'].join('\t'));
  for (const id of new Set(b.decode.map((p) => p.modelId))) {
    for (const p of b.decode.filter((q) => q.modelId === id)) {
      const { d, fwd, fwdFailure } = pair(b, variant, id, p.contextLength);
      const nat = b.nativeDecode.find((x) => x.modelId === id && x.contextLength === p.contextLength);
      const forward = fwd ? `${fmt(fwd.medianMs)} ms` : fwdFailure ? fwdFailure.kind : '-';
      const floor = floorOf(b, variant, id, p.contextLength);
      const copy = d?.copyMsPerByte !== undefined ? `${fmt(d.copyMsPerByte, 2)} ms (${mib(d.copyBytesPerByte ?? 0)})` : '-';
      if (d)
        console.log(
          [id, p.contextLength, `${fmt(d.prefillMs)} ms (${fmt(d.promptBytes)} B)`, `${fmt(d.msPerByte, 1)} ms (${fmt(d.medianMs, 1)}, ${fmt(d.p95Ms, 1)})`,
            d.refillTo !== undefined ? `${d.refills} to F=${d.refillTo}` : '-', mib(d.stateBytes), forward, fwd ? `x${fmt(speedup(d, fwd), 1)}` : '-',
            nat ? `${fmt(nat.msPerByte, 1)} ms` : '-', floor ? `${fmt(floor.ms, 2)} ms` : '-', floor ? `x${fmt(d.msPerByte / floor.ms, 2)}` : '-', copy].join('\t'),
        );
      else console.log([id, p.contextLength, `FAILED ${p.decode && !p.decode.ok ? `${p.decode.failure.kind}: ${p.decode.failure.message}` : 'not measured'}`].join('\t'));
      rows.push(
        d
          ? [id, p.contextLength, 1, d.promptBytes, d.prefillMs, d.stepsMs.length, d.msPerByte, d.medianMs, d.p95Ms, d.refills, d.refillTo ?? '', d.stateBytes, d.memory.wasmHeapBytes ?? '', fwd?.medianMs ?? '', fwd ? speedup(d, fwd) : '', nat?.msPerByte ?? '', floor?.ms ?? '', floor ? d.msPerByte / floor.ms : '', d.copyMsPerByte ?? '', d.copyBytesPerByte ?? '', ''].join(',')
          : [id, p.contextLength, 0, ...Array(17).fill(''), JSON.stringify(p.decode && !p.decode.ok ? `${p.decode.failure.kind}: ${p.decode.failure.message}` : 'not measured')].join(','),
      );
    }
  }
  writeFileSync(join('results', 'bench-decode.csv'), rows.join('\n') + '\n');

  console.log(`\nLargest N on ${variant}: one-shot forward vs cached decoding (chunked prefill)`);
  for (const id of new Set(b.decode.map((p) => p.modelId))) {
    const fwds = b.points.filter((q) => q.variant === variant && q.modelId === id);
    const fwdOk = fwds.filter((q) => q.ok).at(-1);
    const fwdFail = fwds.find((q) => !q.ok);
    const decs = b.decode.filter((q) => q.modelId === id);
    const decOk = decs.filter((q) => q.decode?.ok).at(-1);
    const decFail = decs.find((q) => !q.decode?.ok);
    const why = (q: BenchPoint | undefined, failure: { kind: string; message: string } | undefined) =>
      q && failure ? `; stopped at ${fmt(q.contextLength)}: ${failure.kind}: ${failure.message.replace(/\s+/g, ' ').trim()}` : '; reached the largest N asked';
    console.log(
      `${id}\tforward ${fwdOk ? fmt(fwdOk.contextLength) : 'none'}${why(fwdFail, fwdFail && !fwdFail.ok ? fwdFail.failure : undefined)}` +
        `\n${' '.repeat(id.length)}\tdecode  ${decOk ? fmt(decOk.contextLength) : 'none'}${why(decFail, decFail?.decode && !decFail.decode.ok ? decFail.decode.failure : decFail ? { kind: 'not measured', message: '' } : undefined)}`,
    );
  }

  const line = (ok: boolean | undefined, text: string) => console.log(`${ok === undefined ? '  n/a ' : ok ? '  MET ' : '  MISS'}  ${text}`);
  console.log(`\nIssue 11 targets (one run; load average ${b.loadAverage.start.map((x) => fmt(x, 1)).join(' ')} at the start, ${(b.loadAverage.end ?? []).map((x) => fmt(x, 1)).join(' ')} at the end)`);
  for (const [id, n, want, what] of [
    ['transformer-compare', 8192, 100, 'Transformer decode'],
    ['perceiver-ar-compare', 65536, 25, 'Perceiver AR amortised decode'],
  ] as const) {
    const { d, fwd } = pair(b, variant, id, n);
    const r = d && fwd ? speedup(d, fwd) : undefined;
    line(r === undefined ? undefined : r >= want, `${what} at ${fmt(n)} >= ${want}x faster per byte than its re-run: ${d && fwd ? `x${fmt(r!, 1)} (${fmt(fwd.medianMs)} ms forward / ${fmt(d.msPerByte, 1)} ms per byte${d.refillTo !== undefined ? `, ${d.refills} refill${d.refills === 1 ? '' : 's'} to F = ${d.refillTo} in ${d.stepsMs.length} steps` : ''})` : 'not measured'}`);
  }
  console.log(`\nIssue 21 targets: decode per byte within 2x of its floor on ${variant} (one run)`);
  for (const [id, n] of [['transformer-compare', 8192], ['transformer-compare', 65536], ['perceiver-ar-compare', 65536]] as const) {
    const { d } = pair(b, variant, id, n);
    const floor = floorOf(b, variant, id, n);
    const r = d && floor ? d.msPerByte / floor.ms : undefined;
    const copy = d?.copyMsPerByte !== undefined ? `; onnxruntime-web's copy of the fed state ${fmt(d.copyMsPerByte, 2)} ms of it` : '';
    line(r === undefined ? undefined : r <= 2, `${id} at ${fmt(n)}: ${d && floor ? `x${fmt(r!, 2)} (${fmt(d.msPerByte, 2)} ms per byte / floor ${fmt(floor.ms, 2)} ms: ${mib(floor.cost.readBytes)} read, ${fmt(floor.cost.flops / 1e6, 1)} MFLOP)${copy}` : 'not measured'}`);
  }
}
