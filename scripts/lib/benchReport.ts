// What npm run bench writes and prints: results/bench.{json,csv,png}, latency tables with GFLOP/s, WASM thread
// counts, WASM against native, and issue 14's targets, each with the figures it rests on; cached decoding
// (results/bench-decode.csv, issue 11's targets) in benchDecode.ts.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultWasmThreads } from '../../src/engine/isolation';
import type { MeasurePoint, PeakPoint, ProfilePoint } from '../../src/engine/types';
import { decodeReport } from './benchDecode';
import { capacityReport, type CapacityPoint } from './benchCapacity';
import type { NativeDecode, NativePeak, NativePoint } from './nativePoint';

export type BenchPoint = MeasurePoint & { variant: string }; // e.g. "wasm 2t", "webgpu jsep", "webgpu native"
type Ok = Extract<BenchPoint, { ok: true }>;

export interface FirstPrediction {
  models: string[];
  context: number;
  readyMs: number; // navigation to the page listing its models with the default input
  preloadedMs: number; // navigation to the default models' sessions created
  runToPredictionsMs: number; // Run pressed to every default model's prediction in the store
  sessionMs: number[];
}

export interface Bench {
  stamp: string;
  env: Record<string, unknown>;
  loadAverage: { start: number[]; end?: number[] };
  measureOpts: object;
  threads?: number[];
  firstPrediction?: FirstPrediction;
  points: BenchPoint[];
  peaks: (PeakPoint & { variant: string; runsGflops?: number[] })[]; // the higher of the runs before and after the sweep
  profiles: ProfilePoint[];
  nativePeak?: NativePeak;
  native: NativePoint[];
  decode: BenchPoint[]; // cached decoding at N (the points' `decode`; their forward skipped: it is in `points`)
  nativeDecode: NativeDecode[];
  capacity?: CapacityPoint[]; // decoding at a fixed N with the state at several capacities (--capacities)
  wallSeconds?: number;
}

const gflops = (p: Ok) => p.estimate.flops / p.medianMs / 1e6;
const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const isPa = (id: string) => id.startsWith('perceiver-ar');

function okPoint(b: Bench, variant: string, id: string, n: number): Ok | undefined {
  const p = b.points.find((q) => q.variant === variant && q.modelId === id && q.contextLength === n);
  return p?.ok ? p : undefined;
}

/** The WASM variant the page runs: the engine's default thread count. */
const defaultWasm = (b: Bench) => `wasm ${defaultWasmThreads(Number(b.env.hardwareConcurrency) || 1)}t`;

function latencyTables(b: Bench) {
  for (const variant of new Set(b.points.map((p) => p.variant))) {
    const peak = b.peaks.find((p) => p.variant === variant);
    const ns = [...new Set(b.points.filter((p) => p.variant === variant).map((p) => p.contextLength))].sort((x, y) => x - y);
    const ids = [...new Set(b.points.filter((p) => p.variant === variant).map((p) => p.modelId))];
    console.log(`\n${variant}: median ms [x Perceiver AR at that N] (achieved GFLOP/s, analytic FLOPs)` + (peak?.ok ? `; MatMul peak ${fmt(peak.gflops, 1)} GFLOP/s (${peak.provenance.ep}, onnxruntime-web ${peak.provenance.ort})` : ''));
    console.log(['N', ...ids].join('\t'));
    for (const n of ns) {
      const ref = b.points.find((p) => p.variant === variant && isPa(p.modelId) && p.contextLength === n && p.ok) as Ok | undefined;
      const cells = ids.map((id) => {
        const p = b.points.find((q) => q.variant === variant && q.modelId === id && q.contextLength === n);
        if (!p) return '-';
        if (!p.ok) return `failed (${p.failure.kind})`;
        const ratio = ref && !isPa(id) ? ` [x${fmt(p.medianMs / ref.medianMs, 1)}]` : '';
        return `${fmt(p.medianMs)}${ratio} (${fmt(gflops(p), 1)})`;
      });
      console.log([n, ...cells].join('\t'));
    }
  }
}

function threadTable(b: Bench) {
  const wasm = [...new Set(b.points.filter((p) => p.variant.startsWith('wasm')).map((p) => p.variant))];
  if (wasm.length < 2) return;
  console.log(`\nWASM threads: median ms by thread count; best marked *`);
  console.log(['model', 'N', ...wasm].join('\t'));
  const wins = new Map<string, number>();
  for (const key of new Set(b.points.filter((p) => p.variant.startsWith('wasm')).map((p) => `${p.modelId}|${p.contextLength}`))) {
    const [id, n] = key.split('|');
    const ps = wasm.map((v) => okPoint(b, v, id, Number(n)));
    const best = Math.min(...ps.map((p) => p?.medianMs ?? Infinity));
    if (best === Infinity) continue;
    const winner = wasm[ps.findIndex((p) => p?.medianMs === best)];
    wins.set(winner, (wins.get(winner) ?? 0) + 1);
    console.log([id, n, ...ps.map((p) => (p ? `${fmt(p.medianMs)}${p.medianMs === best ? '*' : ''}` : '-'))].join('\t'));
  }
  console.log('points won:', [...wins].map(([v, k]) => `${v} ${k}`).join(', '));
}

function nativeTable(b: Bench) {
  if (!b.native.length) return;
  const v = defaultWasm(b);
  console.log(`\nWASM (${v}) / native onnxruntime-node (CPU arena on, same graph and N)` + (b.nativePeak ? `; native MatMul peak ${fmt(b.nativePeak.gflops, 1)} GFLOP/s` : ''));
  for (const nat of b.native) {
    const w = okPoint(b, v, nat.modelId, nat.contextLength);
    if (w) console.log(`${nat.modelId}\tN=${nat.contextLength}\twasm ${fmt(w.medianMs, 1)} ms\tnative ${fmt(nat.medianMs, 1)} ms (first ${fmt(nat.firstRunMs)})\tx${fmt(w.medianMs / nat.medianMs, 2)}`);
  }
}

/** What keeps a model above a target, from its nearest profile: category shares and the slowest operators. */
function culprit(b: Bench, id: string, n: number): string {
  const ps = b.profiles.filter((p): p is Extract<ProfilePoint, { ok: true }> => p.ok && p.modelId === id);
  if (!ps.length) return 'no profile';
  const p = ps.reduce((best, q) => (Math.abs(Math.log2(q.contextLength / n)) < Math.abs(Math.log2(best.contextLength / n)) ? q : best));
  const pct = (ms: number) => `${fmt((100 * ms) / p.runMs)}%`;
  const cats = Object.entries(p.byCategory).sort((x, y) => y[1] - x[1]).slice(0, 3).map(([c, ms]) => `${c} ${pct(ms)}`);
  const ops = p.top.slice(0, 2).map((o) => `${o.name} (${o.opType}) ${pct(o.ms)}`);
  return `profile at ${p.contextLength}: ${cats.join(', ')}; slowest ${ops.join(', ')}`;
}

function targets(b: Bench) {
  const v = defaultWasm(b);
  const line = (ok: boolean | undefined, text: string) => console.log(`${ok === undefined ? '  n/a ' : ok ? '  MET ' : '  MISS'}  ${text}`);
  console.log(`\nIssue 14 targets (one run; load average ${b.loadAverage.start.map((x) => fmt(x, 1)).join(' ')} at the start, ${(b.loadAverage.end ?? []).map((x) => fmt(x, 1)).join(' ')} at the end)`);
  const tf = okPoint(b, v, 'transformer-compare', 8192);
  const pa = okPoint(b, v, 'perceiver-ar-compare', 8192);
  line(tf && pa ? tf.medianMs / pa.medianMs >= 30 : undefined, `Transformer / Perceiver AR at 8,192 on ${v} >= 30x: ${tf && pa ? `x${fmt(tf.medianMs / pa.medianMs, 1)} (${fmt(tf.medianMs)} / ${fmt(pa.medianMs)} ms)` : 'not measured'}` + (tf && pa && tf.medianMs / pa.medianMs < 30 ? `; ${culprit(b, 'perceiver-ar-compare', 8192)}` : ''));
  const ntf = b.native.find((x) => x.modelId === 'transformer-compare' && x.contextLength === 8192);
  const npa = b.native.find((x) => x.modelId === 'perceiver-ar-compare' && x.contextLength === 8192);
  line(ntf && npa ? ntf.medianMs / npa.medianMs >= 30 : undefined, `... natively: ${ntf && npa ? `x${fmt(ntf.medianMs / npa.medianMs, 1)} (${fmt(ntf.medianMs)} / ${fmt(npa.medianMs)} ms)` : 'not measured'}`);
  const small = okPoint(b, v, 'perceiver-ar-compare', 4096);
  const big = okPoint(b, v, 'perceiver-ar-compare', 131072);
  line(small && big ? big.medianMs / small.medianMs <= 32 : undefined, `Perceiver AR from 4,096 to 131,072 on ${v} at most linear (<= x32): ${small && big ? `x${fmt(big.medianMs / small.medianMs, 1)}` : 'not measured'}`);
  for (const id of new Set(b.native.map((x) => x.modelId))) {
    const worst = b.native
      .filter((x) => x.modelId === id && x.contextLength >= 1024)
      .map((x) => ({ n: x.contextLength, r: (okPoint(b, v, id, x.contextLength)?.medianMs ?? NaN) / x.medianMs }))
      .filter((x) => Number.isFinite(x.r))
      .sort((x, y) => y.r - x.r)[0];
    if (worst) line(worst.r <= 1.5, `WASM / native <= 1.5x at N >= 1,024 for ${id}: worst x${fmt(worst.r, 2)} at ${worst.n}` + (worst.r > 1.5 ? `; ${culprit(b, id, worst.n)}` : ''));
  }
  const wasmPeak = b.peaks.find((p) => p.variant === v);
  if (wasmPeak?.ok && b.nativePeak) {
    console.log(`        the same MatMul: ${v} ${fmt(wasmPeak.gflops, 1)} GFLOP/s, native ${fmt(b.nativePeak.gflops, 1)} GFLOP/s: x${fmt(b.nativePeak.gflops / wasmPeak.gflops, 1)} before any graph (WASM SIMD is 128-bit, native MLAS uses the CPU's widest vectors)`);
  }
  const slowFirst = b.points.filter((p): p is Ok => p.ok && p.variant === v && p.firstRunMs > 2 * p.medianMs);
  line(slowFirst.length === 0, `first run <= 2x the warm median at every N on ${v}: ${slowFirst.length ? slowFirst.map((p) => `${p.modelId}@${p.contextLength} x${fmt(p.firstRunMs / p.medianMs, 1)}`).join(', ') : 'all'}`);
  const f = b.firstPrediction;
  line(f ? f.runToPredictionsMs <= 2000 : undefined, `predictions within 2 s of Run (${f?.models.join(' + ')} at ${f?.context}, page loaded, sessions preloaded at ${f ? fmt(f.preloadedMs) : '?'} ms): ${f ? `${fmt(f.runToPredictionsMs)} ms` : 'not measured'}`);
  const sessions = b.points.filter((p): p is Ok => p.ok && p.variant.startsWith('wasm') && p.sessionMs !== undefined).map((p) => p.sessionMs!);
  const sorted = [...sessions].sort((x, y) => x - y);
  line(sessions.length ? sorted[Math.floor(sorted.length / 2)] < 1000 : undefined, `a sweep point's fresh worker ready in < 1 s: session median ${fmt(sorted[Math.floor(sorted.length / 2)] ?? NaN)} ms, max ${fmt(sorted.at(-1) ?? NaN)} ms over ${sessions.length} WASM points (the first point compiles the module)`);
  const peak = b.peaks.find((p) => p.variant === v);
  const xl = b.points.filter((p): p is Ok => p.ok && p.variant === v && p.modelId === 'transformer-xl-compare');
  if (peak?.ok && xl.length) {
    const worst = xl.map((p) => ({ n: p.contextLength, r: p.medianMs / (p.estimate.flops / peak.gflops / 1e6) })).sort((x, y) => y.r - x.r)[0];
    line(worst.r <= 2, `Transformer-XL within 2x of its FLOP-predicted time (analytic FLOPs / ${v} MatMul peak ${fmt(peak.gflops, 1)} GFLOP/s): worst x${fmt(worst.r, 2)} at ${worst.n}` + (worst.r > 2 ? `; ${culprit(b, 'transformer-xl-compare', worst.n)}` : ''));
  }
}

/** Issue 21: every compare model's achieved GFLOP/s (analytic FLOPs / median) at N >= 4,096 against the MatMul peak
 * measured in the same run, per WASM thread count. */
function efficiency(b: Bench) {
  for (const variant of new Set(b.points.filter((p) => p.variant.startsWith('wasm')).map((p) => p.variant))) {
    const peak = b.peaks.find((p) => p.variant === variant);
    if (!peak?.ok) continue;
    const ps = b.points.filter((p): p is Ok => p.ok && p.variant === variant && p.modelId.endsWith('-compare') && p.contextLength >= 4096);
    if (!ps.length) continue;
    console.log(`\nAchieved GFLOP/s as a share of the ${variant} MatMul peak (${fmt(peak.gflops, 1)} GFLOP/s, this run${peak.runsGflops && peak.runsGflops.length > 1 ? `: the higher of ${peak.runsGflops.map((g) => fmt(g, 1)).join(' and ')}, measured before and after the sweep` : ''}), N >= 4,096`);
    const ids = [...new Set(ps.map((p) => p.modelId))];
    for (const id of ids) console.log(`${id}\t${ps.filter((p) => p.modelId === id).map((p) => `${fmt(p.contextLength)}: ${fmt((100 * gflops(p)) / peak.gflops)}%`).join('\t')}`);
    const worst = ps.reduce((w, p) => (gflops(p) < gflops(w) ? p : w));
    const best = ps.reduce((w, p) => (gflops(p) > gflops(w) ? p : w));
    const share = gflops(worst) / peak.gflops;
    // a model faster than the MatMul peak means the peak was measured low (e.g. other work had the cores then): no verdict
    if (gflops(best) > peak.gflops) {
      console.log(`  n/a   issue 21: ${best.modelId} at ${fmt(best.contextLength)} ran at ${fmt(gflops(best), 1)} GFLOP/s, over the ${fmt(peak.gflops, 1)} GFLOP/s peak measured in this run: the peak was measured low (load average at the start ${b.loadAverage.start.map((x) => fmt(x, 1)).join(' ')}), so the shares above are not a verdict`);
      continue;
    }
    console.log(`${share >= 0.6 ? '  MET ' : '  MISS'}  issue 21: every compare model at >= 60% of the peak at N >= 4,096 on ${variant}: lowest ${worst.modelId} at ${fmt(worst.contextLength)}, ${fmt(100 * share)}%` + (share < 0.6 ? `; ${culprit(b, worst.modelId, worst.contextLength)}` : ''));
  }
}

export function report(b: Bench) {
  writeFileSync(join('results', 'bench.json'), JSON.stringify(b, null, 1));
  const rows = ['model,variant,build,threads,context,ok,median_ms,p95_ms,first_run_ms,session_ms,analytic_gflop,achieved_gflops,wasm_heap_bytes,gpu_peak_bytes,estimate_bytes,native_median_ms,failure'];
  for (const p of b.points) {
    const nat = b.native.find((x) => x.modelId === p.modelId && x.contextLength === p.contextLength);
    rows.push(
      p.ok
        ? [p.modelId, p.variant, p.provenance ? `${p.provenance.ep} ${p.provenance.ort}` : '', p.wasmThreads, p.contextLength, 1, p.medianMs, p.p95Ms, p.firstRunMs, p.sessionMs ?? '', p.estimate.flops / 1e9, gflops(p), p.memory.wasmHeapBytes ?? '', p.memory.gpuAllocatedPeakBytes ?? '', p.estimate.totalBytes, p.backend === 'wasm' ? (nat?.medianMs ?? '') : '', ''].join(',')
        : [p.modelId, p.variant, '', '', p.contextLength, 0, '', '', '', '', '', '', '', '', p.estimate?.totalBytes ?? '', '', JSON.stringify(`${p.failure.kind}: ${p.failure.message}`)].join(','),
    );
  }
  writeFileSync(join('results', 'bench.csv'), rows.join('\n') + '\n');
  latencyTables(b);
  efficiency(b);
  threadTable(b);
  nativeTable(b);
  targets(b);
  decodeReport(b, defaultWasm(b));
  capacityReport(b.capacity ?? []);
  try {
    execFileSync('/usr/bin/python3', ['scripts/plot_bench.py', 'results/bench.json', 'results/bench.png'], { stdio: 'inherit' });
  } catch (e) {
    console.log('chart not drawn:', (e as Error).message);
  }
  console.log(`\nwrote results/bench.json, results/bench.csv${b.decode.length ? ', results/bench-decode.csv' : ''}, results/bench.png (${fmt(b.wallSeconds ?? 0)} s)`);
}
