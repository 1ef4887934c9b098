// One module worker per loaded model: owns its onnxruntime-web session, answers protocol requests.
import { deviceInfo } from './backend';
import { installMeters, readMemory, resetPeak } from './memory';
import { createSession, type Session } from './ort';
import { runWindow } from './graphRunner';
import { score } from './surprisal';
import { timeRuns } from './stats';
import { classify } from './failures';
import { isRequest, type Reply, type Request } from './protocol';
import type { Manifest } from '../catalog/manifest';
import type { BackendName } from './types';

installMeters(); // before any session: ORT's device and WASM memory are created later

let session: Session | undefined;
let manifest: Manifest | undefined;
let backend: BackendName = 'wasm';

const post = (reply: Reply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);

async function handle(req: Request): Promise<void> {
  if (req.type === 'load') {
    manifest = req.manifest;
    backend = req.backend;
    const t0 = performance.now();
    session = await createSession(new Uint8Array(req.model), req.backend, { wasmThreads: req.wasmThreads, webgpuImpl: req.webgpuImpl });
    const device = await session.device();
    device?.lost.then((info) =>
      post({ type: 'error', id: -1, failure: { kind: 'device-lost', message: `The WebGPU device was lost (${info.reason}): ${info.message}` } }),
    );
    post({
      type: 'loaded',
      id: req.id,
      backend: req.backend,
      webgpuImpl: req.backend === 'webgpu' ? req.webgpuImpl : undefined,
      wasmThreads: session.wasmThreads,
      loadMs: performance.now() - t0,
      inputNames: [...session.inputNames],
      outputNames: [...session.outputNames],
      device: device && deviceInfo(device),
    });
    return;
  }
  if (!session || !manifest) throw Object.assign(new Error('No model is loaded in this worker'), { kind: 'invalid-model' });
  const s = session;
  const m = manifest;
  const run = (feeds: Parameters<Session['run']>[0]) => s.run(feeds);
  if (req.type === 'predict') {
    const t0 = performance.now();
    const { logits, rows, start } = await runWindow(run, m, req.window, req.numLatents);
    const latencyMs = performance.now() - t0;
    const scored = score(logits, rows, m.config.vocabSize, req.window, start);
    post(
      { type: 'predicted', id: req.id, coveredStart: start, surprisalBits: scored.surprisalBits, top: scored.top, nextTop: scored.nextTop, latencyMs },
      [scored.surprisalBits.buffer],
    );
    return;
  }
  resetPeak();
  const { firstRunMs, samplesMs } = await timeRuns(async () => void (await runWindow(run, m, req.window, req.numLatents)), req.policy);
  post({ type: 'measured', id: req.id, firstRunMs, samplesMs, memory: readMemory(backend === 'webgpu') });
}

self.onmessage = (ev: MessageEvent) => {
  const req = ev.data;
  if (!isRequest(req)) return;
  handle(req).catch((err) => post({ type: 'error', id: req.id, failure: classify(err) }));
};
