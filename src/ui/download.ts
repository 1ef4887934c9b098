// Saving a file from the page, and the results in the two formats people ask for.
import type { GpuInfo, MeasurePoint } from '../engine/types';

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

export const CSV_HEADER =
  'model,backend,context,latents,ok,median_ms,p95_ms,first_run_ms,runs,bytes_per_s,wasm_threads,gpu_peak_bytes,wasm_heap_bytes,estimate_bytes,failure_kind,failure';

export function pointsCsv(points: MeasurePoint[]): string {
  const rows = [CSV_HEADER];
  for (const p of points) {
    const ok = p.ok ? p : undefined;
    rows.push(
      [
        p.modelId, p.backend, p.contextLength, p.numLatents, p.ok ? 1 : 0,
        ok?.medianMs, ok?.p95Ms, ok?.firstRunMs, ok?.samplesMs.length, ok?.tokensPerSec, ok?.wasmThreads,
        ok?.memory.gpuAllocatedPeakBytes, ok?.memory.wasmHeapBytes, p.estimate?.totalBytes,
        p.ok ? '' : p.failure.kind, p.ok ? '' : p.failure.message,
      ].map(csvCell).join(','),
    );
  }
  return rows.join('\n') + '\n';
}

/** The points with what is needed to read them later: where they were measured. */
export function pointsJson(points: MeasurePoint[], gpu: GpuInfo | undefined): string {
  const env = typeof navigator === 'undefined' ? {} : { userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated: globalThis.crossOriginIsolated };
  return JSON.stringify({ savedAt: new Date().toISOString(), env: { ...env, gpu }, points }, null, 1);
}
