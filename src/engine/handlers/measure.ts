// Timed runs: the model's forward over a window (measure), and a plain MatMul graph for the backend's reference
// speed (peak, in a worker of its own with no model). Client side: measure.ts, peak.ts.
import { deviceInfo } from '../backend';
import { runWindow } from '../graphRunner';
import { matmulGraph } from '../matmulGraph';
import { readMemory, resetPeak } from '../memory';
import { createSession } from '../ort';
import { timeRuns } from '../stats';
import { held, loaded, type Handlers } from './context';

export const measure: Handlers<'measure' | 'peak'> = {
  async measure(req) {
    const { manifest: m, run } = loaded();
    resetPeak();
    const { firstRunMs, samplesMs } = await timeRuns(async () => void (await runWindow(run, m, req.window, req.numLatents)), req.policy);
    return { type: 'measured', firstRunMs, samplesMs, memory: readMemory(held.backend === 'webgpu') };
  },

  async peak(req) {
    const s = await createSession(matmulGraph(), req.backend, req);
    const device = await s.device();
    const random = () => ({ dtype: 'float32' as const, data: Float32Array.from({ length: req.n * req.n }, () => Math.random() - 0.5), dims: [req.n, req.n] });
    const feeds = { A: random(), B: random() };
    const { firstRunMs, samplesMs } = await timeRuns(async () => void (await s.run(feeds)), req.policy);
    await s.release();
    // memory bandwidth: a 64 MiB copy as ORT makes of each input (HEAPU8.set), after one untimed copy (page faults)
    const copyBytes = 64 << 20;
    const from = new Uint8Array(copyBytes).fill(1);
    const to = new Uint8Array(copyBytes);
    const copyMs: number[] = [];
    for (let i = 0; i < 8; i++) {
      const t = performance.now();
      to.set(from);
      if (i > 0) copyMs.push(performance.now() - t);
    }
    return { type: 'peaked', wasmThreads: s.wasmThreads, device: device && deviceInfo(device), firstRunMs, samplesMs, copyBytes, copyMs };
  },
};
