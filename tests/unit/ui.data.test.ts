// Pure helpers behind the charts, the diff view and the exports.
import { describe, expect, it } from 'vitest';
import { chartPoints, decodeRows, measuredMemory, toRows, valueRange } from '../../src/ui/seriesData';
import { bitsAt, diffSummary } from '../../src/ui/surprisalDiff';
import { CSV_HEADER, pointsCsv } from '../../src/ui/download';
import { bytesTick, compact, shortN } from '../../src/ui/format';
import type { MeasurePoint, MeasurePointFailed, MeasurePointOk, Prediction, Provenance } from '../../src/engine/types';
import { provenanceLabel, provenanceRows } from '../../src/ui/provenanceText';
import { browserName } from '../../src/engine/provenance';

const est = (total: number) => ({ weightsBytes: 0, activationsBytes: 0, attentionBytes: 0, cacheBytes: 0, totalBytes: total, flops: 0, largestTensorBytes: 0 });
const ok = (modelId: string, backend: 'wasm' | 'webgpu', n: number, median: number, extra: Partial<MeasurePointOk> = {}): MeasurePoint => ({
  ok: true, modelId, backend, contextLength: n, firstRunMs: median * 2, samplesMs: [median * 0.9, median, median * 1.5], medianMs: median, p95Ms: median * 1.4,
  bytesPerSec: n / (median / 1000), memory: { wasmHeapBytes: n * 1000, gpuAllocatedPeakBytes: n * 10 }, estimate: est(n * 100), wasmThreads: 1, ...extra,
});
const oom = (modelId: string, n: number): MeasurePoint => ({ ok: false, modelId, backend: 'wasm', contextLength: n, estimate: est(n * 100), failure: { kind: 'out-of-memory', message: 'Out of memory, "really"' } });

describe('chart rows', () => {
  const points = [ok('a', 'wasm', 512, 20), ok('a', 'wasm', 256, 10), ok('b', 'webgpu', 256, 5), oom('a', 1024)];
  it('one row per N in order, one column per model x backend, gaps left as gaps', () => {
    const { rows, series, failures } = toRows(points, (p) => p.medianMs);
    expect(series.map((x) => x.key)).toEqual(['a (wasm)', 'b (webgpu)']);
    expect(rows.map((r) => r.n)).toEqual([256, 512, 1024]);
    expect(rows[0]).toMatchObject({ 'a (wasm)': 10, 'b (webgpu)': 5 });
    expect(rows[1]['b (webgpu)']).toBeUndefined();
    expect(rows[2]['a (wasm)']).toBeUndefined(); // the failed point is not drawn as a value
    expect(failures).toEqual([{ series: 'a (wasm)', n: 1024, kind: 'out-of-memory', message: 'Out of memory, "really"' }]);
  });
  it('results from elsewhere are their own series, with the base (colour, estimate) of the same model and backend', () => {
    const { rows, series, bases } = toRows([...points, { ...ok('a', 'wasm', 256, 30), origin: 'from a link: Firefox 140 · Linux · 4 threads' }], (p) => p.medianMs, { estimate: (p) => p.estimate.totalBytes });
    expect(series.at(-1)).toEqual({ key: 'a (wasm) — from a link: Firefox 140 · Linux · 4 threads', base: 'a (wasm)', origin: 'from a link: Firefox 140 · Linux · 4 threads', single: undefined });
    expect(bases).toEqual(['a (wasm)', 'b (webgpu)']);
    expect(rows[0]).toMatchObject({ 'a (wasm)': 10, 'a (wasm) — from a link: Firefox 140 · Linux · 4 threads': 30, 'a (wasm) estimate': 25600 });
  });
  it("the slider's single runs are their own series: one run as the value, no spread, no measured memory", () => {
    const single = { modelId: 'a', backend: 'wasm' as const, contextLength: 256, latencyMs: 12, estimate: est(25600) };
    const pts = chartPoints([ok('a', 'wasm', 256, 10) as MeasurePoint], [single], []);
    const lat = toRows(pts, (p) => p.medianMs, { spread: (p) => [Math.min(...p.samplesMs), p.p95Ms] });
    expect(lat.series).toEqual([{ key: 'a (wasm)', base: 'a (wasm)' }, { key: 'a (wasm) · single runs (slider)', base: 'a (wasm)', single: 'slider' }]);
    expect(lat.rows[0]['a (wasm) · single runs (slider)']).toBe(12);
    expect(lat.rows[0]['a (wasm) · single runs (slider) spread']).toBeUndefined();
    expect(toRows(pts, (p) => p.bytesPerSec).rows[0]['a (wasm) · single runs (slider)']).toBeCloseTo(256 / 0.012);
    expect(toRows(pts, measuredMemory).series.map((x) => x.key)).toEqual(['a (wasm)']);
  });
  it('spread becomes error-bar offsets; estimates cover failed points too', () => {
    const { rows } = toRows(points, (p) => p.medianMs, { spread: (p) => [Math.min(...p.samplesMs), p.p95Ms], estimate: (p) => p.estimate.totalBytes });
    expect(rows[0]['a (wasm) spread']).toEqual([1, 4]);
    expect(rows[2]['a (wasm) estimate']).toBe(102400);
  });
  it('decoding: its own values and failures; past the forward limit the forward charts draw nothing, the prefill dashed', () => {
    const dec = (msPerByte: number, prefillMs: number) => ({ ok: true as const, promptBytes: 1, prefillMs, stepsMs: [msPerByte], msPerByte, medianMs: msPerByte, p95Ms: msPerByte, refills: 0, stateBytes: 64, memory: { wasmHeapBytes: 1 << 20 } });
    const skipped = (n: number, decode: MeasurePoint['decode']): MeasurePoint => ({ ...(oom('a', n) as MeasurePointFailed), failure: { kind: 'skipped', message: 'not run' }, decode });
    const pts = [ok('a', 'wasm', 256, 10, { decode: dec(2, 30) }), oom('a', 512), skipped(1024, dec(3, 90)), skipped(2048, { ok: false, failure: { kind: 'out-of-memory', message: 'OOM' } })];
    const fwd = toRows(pts, (p) => p.medianMs, { companion: { name: 'prefill (cached)', value: (p) => (p.decode?.ok ? p.decode.prefillMs : undefined) } });
    expect(fwd.failures.map((f) => f.n)).toEqual([512]); // skipped is not a failure of the forward
    expect(fwd.rows.map((r) => r.n)).toEqual([256, 512, 1024]);
    expect(fwd.rows[2]).toEqual({ n: 1024, 'a (wasm) prefill (cached)': 90 });
    const decode = decodeRows(pts, (d) => d.msPerByte, { name: 'measured', value: (d) => d.memory.wasmHeapBytes });
    expect(decode.rows).toEqual([
      { n: 256, 'a (wasm)': 2, 'a (wasm) measured': 1 << 20 },
      { n: 1024, 'a (wasm)': 3, 'a (wasm) measured': 1 << 20 },
      { n: 2048 },
    ]);
    expect(decode.failures).toEqual([{ series: 'a (wasm)', n: 2048, kind: 'out-of-memory', message: 'OOM' }]);
    expect(decode.companion).toBe('measured');
  });
  it('memory: GPU buffers on WebGPU, the WASM heap on WASM', () => {
    expect(measuredMemory(ok('a', 'webgpu', 256, 1) as MeasurePointOk)).toBe(2560);
    expect(measuredMemory(ok('a', 'wasm', 256, 1) as MeasurePointOk)).toBe(256000);
  });
});

describe('diff between two models', () => {
  const pred = (windowStart: number, scoredStart: number, bits: number[]): Prediction => ({
    modelId: 'x', backend: 'wasm', contextLength: scoredStart + bits.length, requestedContext: 0, windowStart, coveredStart: scoredStart - 1, scoredStart,
    surprisalBits: bits, bitsPerByte: 0, top: [], topStart: 0, nextTop: [], latencyMs: 0,
  });
  // input of 10 bytes; A saw all of it (scores offsets 1..9), B saw the last 4 (scores offsets 7..9)
  const a = pred(0, 1, [1, 1, 1, 1, 1, 1, 2, 3, 4]);
  const b = pred(6, 1, [5, 5, 5]);
  it('bytes are matched by their offset in the input', () => {
    expect(bitsAt(a, 7)).toBe(2);
    expect(bitsAt(b, 7)).toBe(5);
    expect(bitsAt(b, 6)).toBeUndefined();
    expect(bitsAt(a, 10)).toBeUndefined();
  });
  it('the summary covers only the bytes both scored', () => {
    expect(diffSummary(a, b)).toEqual({ bytes: 3, from: 7, bitsA: 3, bitsB: 5 });
    expect(diffSummary(pred(0, 1, [1]), pred(5, 1, [1]))).toBeUndefined();
  });
});

const provenance: Provenance = {
  browser: 'Chrome 156.0.7500.0', platform: 'Linux x86-64', hardwareThreads: 8, crossOriginIsolated: true, ep: 'webgpu-jsep', wasmThreads: 0,
  gpu: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true, maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27 },
  ort: '1.30.0', app: '0.1.0+abc1234', measuredAt: '2026-11-02T10:00:00.000Z',
};

describe('exports', () => {
  it('CSV: a header, one line per point, quoted failure text, provenance in its own columns', () => {
    const csv = pointsCsv([ok('a', 'wasm', 256, 10), oom('a', 1024), ok('b', 'webgpu', 512, 40, { provenance })]).trimEnd().split('\n');
    expect(csv[0]).toBe(CSV_HEADER);
    expect(csv[1].startsWith('a,wasm,256,,1,10,14,20,3,25600,1,2560,256000,25600,,')).toBe(true);
    expect(csv[2]).toBe('a,wasm,1024,,0,,,,,,,,,102400,out-of-memory,"Out of memory, ""really""",,,,,,,,,,,,,this page' + ','.repeat(13));
    const cols = CSV_HEADER.split(',');
    const row = Object.fromEntries(csv[3].split(',').map((v, i) => [cols[i], v]));
    expect(row).toMatchObject({
      browser: 'Chrome 156.0.7500.0', platform: 'Linux x86-64', hardware_threads: '8', cross_origin_isolated: '1', ep: 'webgpu-jsep',
      gpu_adapter: 'google / swiftshader', gpu_fallback: '1', gpu_max_buffer_bytes: String(2 ** 30), gpu_max_binding_bytes: String(2 ** 27),
      ort_version: '1.30.0', app_version: '0.1.0+abc1234', measured_at: '2026-11-02T10:00:00.000Z',
    });
    expect(csv[3].split(',')).toHaveLength(cols.length);
  });
  it('CSV: cached decoding in its own columns, its failure apart from the forward one', () => {
    const decode = { ok: true as const, promptBytes: 4064, prefillMs: 900, stepsMs: [2, 4], msPerByte: 3, medianMs: 3, p95Ms: 3.9, refills: 1, refillTo: 128, stateBytes: 4096, memory: { wasmHeapBytes: 1 << 26 } };
    const skipped: MeasurePoint = { ...(oom('a', 32768) as MeasurePointFailed), failure: { kind: 'skipped', message: 'not run' }, decode: { ok: false, failure: { kind: 'out-of-memory', message: 'Out of memory' } } };
    const csv = pointsCsv([ok('a', 'wasm', 4096, 10, { decode }), skipped]).trimEnd().split('\n');
    const cols = CSV_HEADER.split(',');
    const rows = csv.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [cols[i], v])));
    expect(rows[0]).toMatchObject({ decode_ok: '1', prefill_bytes: '4064', prefill_ms: '900', decode_steps: '2', decode_ms_per_byte: '3', refills: '1', refill_to: '128', state_bytes: '4096', decode_wasm_heap_bytes: String(1 << 26), decode_failure: '' });
    expect(rows[1]).toMatchObject({ ok: '0', failure_kind: 'skipped', decode_ok: '0', decode_failure: 'out-of-memory: Out of memory' });
    for (const line of csv) expect(line.split(',')).toHaveLength(cols.length);
  });
  it('provenance in words: compact for the table, every fact for the details', () => {
    expect(provenanceLabel(provenance)).toBe('Chrome 156 · Linux x86-64 · 8 threads');
    expect(provenanceLabel(undefined)).toBe('not recorded');
    const rows = Object.fromEntries(provenanceRows(provenance));
    expect(rows['execution provider']).toBe('WebGPU (JSEP)');
    expect(rows['GPU adapter']).toMatch(/google \/ swiftshader \(software fallback adapter.*max buffer 1\.00 GiB, max storage binding 128\.0 MiB/);
    expect(rows['onnxruntime-web']).toBe('1.30.0');
  });
  it('browser names from client hints, else from the user agent', () => {
    expect(browserName('', [{ brand: 'Not)A;Brand', version: '8' }, { brand: 'Chromium', version: '156.0.1' }, { brand: 'Google Chrome', version: '156.0.1' }])).toBe('Google Chrome 156.0.1');
    expect(browserName('', [{ brand: 'Chromium', version: '156' }])).toBe('Chromium 156');
    expect(browserName('Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0')).toBe('Firefox 140.0');
    expect(browserName('Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15')).toBe('Safari 18.2');
    expect(browserName('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36')).toBe('HeadlessChrome 156.0.0.0');
  });
  it('axis labels stay short', () => {
    expect([bytesTick(381.5 * 2 ** 20), bytesTick(600 * 1024), bytesTick(2 ** 30)]).toEqual(['382M', '600K', '1G']);
    expect([compact(19876), compact(250_000), compact(1_500_000), compact(42)]).toEqual(['20k', '250k', '1.5M', '42']);
    // issue 15: a trillion bytes/s was drawn as "1000000M" and cut off
    expect([compact(1e12), compact(2.5e9), compact(123e6), compact(999_999), compact(0.5)]).toEqual(['1T', '2.5G', '123M', '1M', '0.5']);
    expect([shortN(256), shortN(1024), shortN(1536)]).toEqual(['256', '1k', '1.5k']);
  });
});

describe('chart value range', () => {
  it('covers measured values, estimates and error-bar ends, ignoring zeros', () => {
    const points = [ok('a', 'wasm', 256, 10), ok('a', 'wasm', 512, 20)];
    const data = toRows(points, (p) => p.medianMs, { spread: (p) => [Math.min(...p.samplesMs), p.p95Ms] });
    expect(valueRange(data)).toEqual([9, 28]);
    const mem = toRows([...points, oom('b', 1024)], () => 0, { estimate: (p) => p.estimate.totalBytes });
    expect(valueRange(mem)).toEqual([25600, 102400]);
    expect(valueRange(toRows([], (p) => p.medianMs))).toBeUndefined();
  });
});
