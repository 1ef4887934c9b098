// Per-operator times (a profiling worker, whose session records ORT's profile). Client side: measure.ts profile().
import { runWindow, type RunFn } from '../graphRunner';
import { opsFromGpuRecords, opsFromTrace, parseTrace, summarize } from '../profile';
import { EngineError } from '../types';
import { held, loaded, type Handlers } from './context';

export const profile: Handlers<'profile'> = {
  /**
   * Runs a window once (first run) and once more (warm-up), then `windows` times with ORT's profiler recording, and
   * groups the operators' times. JSEP's GPU kernels are timed on the GPU; its CPU-side nodes come from the trace.
   */
  async profile(req) {
    const { session: s, manifest: m, run: forward } = loaded();
    if (!s.endProfiling) throw new EngineError('unknown', 'this worker was not loaded for profiling');
    let sessionRuns = 0;
    // the model's own forward (a person's graph under its names, a Hub decoder's feeds), counted
    const run: RunFn = (feeds) => (sessionRuns++, forward(feeds));
    await runWindow(run, m, req.window, req.numLatents);
    sessionRuns = 0;
    await runWindow(run, m, req.window, req.numLatents);
    const runsPerWindow = sessionRuns;
    const gpu = s.gpuKernels;
    if (gpu) gpu.length = 0;
    let wallMs = 0;
    for (let i = 0; i < req.windows; i++) {
      const t0 = performance.now();
      await runWindow(run, m, req.window, req.numLatents);
      wallMs += performance.now() - t0;
    }
    if (held.backend === 'webgpu') {
      // the timestamps are read back after the work is done: wait for the queue, then for the readbacks' callbacks
      await (await s.device())?.queue.onSubmittedWorkDone();
      await new Promise((r) => setTimeout(r, 100));
    }
    const trace = parseTrace(s.endProfiling());
    const ops = gpu
      ? [...opsFromGpuRecords(gpu, req.windows), ...opsFromTrace(trace, runsPerWindow, req.windows, 'CPUExecutionProvider')]
      : opsFromTrace(trace, runsPerWindow, req.windows);
    if (gpu && gpu.length === 0) throw new EngineError('unknown', 'WebGPU gave no kernel timestamps: the adapter lacks the timestamp-query feature');
    const profile = { windows: req.windows, runMs: wallMs / req.windows, ...summarize(ops), source: gpu ? ('ort-trace+gpu-timestamps' as const) : ('ort-trace' as const) };
    return { type: 'profiled', profile };
  },
};
