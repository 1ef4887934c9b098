// The recall results in the two formats people ask for: CSV, one line per model and point (accuracy with its Wilson
// interval, how it was read, why not), and JSON with every probe (seed, expected and predicted answer bytes, top
// guesses, time), enough to score them again.
import { summarize, type RecallCell, type RecallSettings } from '../../state/recallData';

const cell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const RECALL_CSV_HEADER =
  'model,source,backend,task,params,x,probe_bytes,read_by,latents,probes_read,probes_planned,exact,accuracy,wilson_lo,wilson_hi,median_ms_per_probe,first_seed,failure_kind,failure,stopped,wasm_heap_bytes,gpu_peak_bytes,measured_at';

export function recallCsv(cells: RecallCell[]): string {
  const rows = [RECALL_CSV_HEADER];
  for (const c of cells) {
    const s = summarize([c]);
    rows.push(
      [
        c.modelId, c.source, c.backend, c.task, Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(' '), c.x, c.length, c.mode, c.numLatents, s.n, c.planned, s.right, s.accuracy, s.lo, s.hi, s.medianMs,
        c.probes[0]?.seed, c.failure?.kind, c.failure?.message, c.stopped, c.memory?.wasmHeapBytes, c.memory?.gpuAllocatedPeakBytes, c.measuredAt,
      ].map(cell).join(','),
    );
  }
  return rows.join('\n') + '\n';
}

export const RECALL_FORMAT = 'long-context-playground/recall';

export function recallJson(cells: RecallCell[], settings: RecallSettings): string {
  const env = typeof navigator === 'undefined' ? {} : { userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency };
  return JSON.stringify({ format: RECALL_FORMAT, version: 1, savedAt: new Date().toISOString(), env, settings, cells: cells.filter((c) => !c.running) }, null, 1);
}
