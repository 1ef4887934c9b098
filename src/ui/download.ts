// Saving a file from the page, and the results in the two formats people ask for.
import type { DecodePoint, GpuInfo, MeasurePoint } from '../engine';
import type { ForeignResults } from '../state/foreign';

export function download(name: string, blob: Blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

const csvCell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const THIS_PAGE = 'this page';
/** A point and where the page has it from: THIS_PAGE, or a foreign source ("from a link", "from file x.json"). */
export type SourcedPoint = MeasurePoint & { source: string };

export const sourcedPoints = (own: MeasurePoint[], foreign: ForeignResults[]): SourcedPoint[] => [
  ...own.map((p) => ({ ...p, source: THIS_PAGE })),
  ...foreign.flatMap((f) => f.points.map((p) => ({ ...p, source: f.source }))),
];

export const CSV_HEADER =
  'model,backend,context,latents,ok,median_ms,p95_ms,first_run_ms,runs,bytes_per_s,wasm_threads,gpu_peak_bytes,wasm_heap_bytes,estimate_bytes,failure_kind,failure,' +
  'browser,platform,hardware_threads,cross_origin_isolated,ep,gpu_adapter,gpu_fallback,gpu_max_buffer_bytes,gpu_max_binding_bytes,ort_version,app_version,measured_at,source,' +
  'decode_ok,prefill_bytes,prefill_ms,decode_steps,decode_ms_per_byte,decode_median_ms,decode_p95_ms,refills,refill_to,state_bytes,decode_wasm_heap_bytes,decode_gpu_peak_bytes,decode_failure';

/** One line per point; `source` says whether this page measured it or where it came from. */
export function pointsCsv(points: (MeasurePoint & { source?: string })[]): string {
  const rows = [CSV_HEADER];
  for (const p of points) {
    const ok = p.ok ? p : undefined;
    const v = p.provenance;
    const gpu = v?.gpu;
    rows.push(
      [
        p.modelId, p.backend, p.contextLength, p.numLatents, p.ok ? 1 : 0,
        ok?.medianMs, ok?.p95Ms, ok?.firstRunMs, ok?.samplesMs.length, ok?.bytesPerSec, ok?.wasmThreads,
        ok?.memory.gpuAllocatedPeakBytes, ok?.memory.wasmHeapBytes, p.estimate?.totalBytes,
        p.ok ? '' : p.failure.kind, p.ok ? '' : p.failure.message,
        v?.browser, v?.platform, v?.hardwareThreads, v && (v.crossOriginIsolated ? 1 : 0), v?.ep,
        gpu && [gpu.vendor, gpu.architecture, gpu.description].filter(Boolean).join(' / '), gpu && (gpu.isFallbackAdapter ? 1 : 0),
        gpu?.maxBufferSize, gpu?.maxStorageBufferBindingSize, v?.ort, v?.app, v?.measuredAt, p.source ?? THIS_PAGE,
        ...decodeCells(p.decode),
      ].map(csvCell).join(','),
    );
  }
  return rows.join('\n') + '\n';
}

/** The decoding columns: empty when decoding was not measured. */
function decodeCells(d: DecodePoint | undefined): unknown[] {
  if (!d) return Array(13).fill('');
  if (!d.ok) return [0, ...Array(11).fill(''), `${d.failure.kind}: ${d.failure.message}`];
  return [1, d.promptBytes, d.prefillMs, d.stepsMs.length, d.msPerByte, d.medianMs, d.p95Ms, d.refills, d.refillTo, d.stateBytes, d.memory.wasmHeapBytes, d.memory.gpuAllocatedPeakBytes, ''];
}

export const RESULTS_FORMAT = 'long-context-playground/results';

/**
 * This page's points and the results it has from elsewhere (kept apart, by source), each with its provenance, and
 * the page that saved them: what is needed to read them later (state/link/points.ts ResultsFileSchema reads it).
 */
export function pointsJson(points: MeasurePoint[], foreign: ForeignResults[], gpu: GpuInfo | undefined): string {
  const env = typeof navigator === 'undefined' ? {} : { userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated: globalThis.crossOriginIsolated };
  return JSON.stringify({ format: RESULTS_FORMAT, version: 1, savedAt: new Date().toISOString(), env: { ...env, gpu }, points, foreign }, null, 1);
}
