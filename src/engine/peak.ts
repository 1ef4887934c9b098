// The backend's reference speed: a plain n x n MatMul graph (matmulGraph.ts) timed in a fresh worker, reported as
// GFLOP/s next to each model's achieved GFLOP/s (the cost model's FLOPs over the measured median).
import { detectWebGPU } from './backend';
import { classify } from './failures';
import { matmulFlops } from './matmulGraph';
import { ModelWorker } from './modelWorker';
import { buildOf, sharedWasmModule } from './ort';
import type { ModelSource } from './measure';
import { median, type RunPolicy } from './stats';
import type { BackendName, PeakPoint } from './types';

// a peak is a property of optimised code: warm up long enough for V8 to tier the kernels up (stats.ts)
const PEAK_POLICY: RunPolicy = { warmupRuns: 2, warmupMs: 2000, minRuns: 5, minTimeMs: 500, maxRuns: 20 };

export async function measurePeak(
  backend: BackendName,
  n: number,
  wasmThreads: number,
  webgpuImpl: 'jsep' | 'native',
  provenance: ModelSource['provenance'],
): Promise<PeakPoint> {
  if (backend === 'webgpu') {
    const gpu = await detectWebGPU();
    if (!gpu.available) return { ok: false, backend, n, failure: { kind: 'webgpu-unavailable', message: gpu.reason ?? 'WebGPU is not available' } };
  }
  const worker = new ModelWorker(() => {});
  try {
    const wasmModule = await sharedWasmModule(buildOf(backend, webgpuImpl));
    const r = await worker.call({ type: 'peak', backend, wasmThreads, webgpuImpl, wasmModule, n, policy: PEAK_POLICY });
    const medianMs = median(r.samplesMs);
    const copyGBps = r.copyBytes / median(r.copyMs) / 1e6;
    return { ok: true, backend, n, firstRunMs: r.firstRunMs, medianMs, gflops: matmulFlops(n) / medianMs / 1e6, copyGBps, provenance: await provenance(backend, { webgpuImpl, ...r }) };
  } catch (e) {
    return { ok: false, backend, n, failure: classify(e) };
  } finally {
    worker.kill({ kind: 'cancelled', message: 'peak measured' });
  }
}
