// Sessions: the model's forward graph (load), its step graph (loadStep), and a person's graph opened only to read
// its inputs and outputs (inspect). Client side: client.ts (load, inspect), decoding.ts (stepReady).
import { deviceInfo } from '../backend';
import { runWindow } from '../graphRunner';
import { hubGpuOutputs } from '../hub';
import { createSession } from '../ort';
import { EngineError } from '../types';
import { forwardOf, held, loaded, post, timed, type Handlers } from './context';

/** A lost GPU in words a user can act on; the browser's reason and message as the detail. */
const deviceLostMessage = (info: GPUDeviceLostInfo) =>
  `The GPU stopped working for this page (WebGPU device lost): this run was ended and the model starts again on the GPU at its next run; results so far are kept. Detail: ${info.reason}${info.message ? `, ${info.message}` : ''}`;

const WARM_WINDOW = Uint8Array.from({ length: 256 }, (_, i) => 97 + ((i * 7) % 26));

export const session: Handlers<'load' | 'loadStep' | 'inspect'> = {
  async load(req) {
    held.manifest = req.manifest;
    held.backend = req.backend;
    const t0 = performance.now();
    held.weights = new Uint8Array(req.model);
    held.sessionOpts = { wasmThreads: req.wasmThreads, webgpuImpl: req.webgpuImpl, wasmModule: req.wasmModule };
    // a Hub decoder's weights are in the external data files its graph names
    const externalData = req.externalData?.map((f) => ({ path: f.path, data: new Uint8Array(f.data) }));
    // a Hub decoder on WebGPU keeps its key-value cache in GPU buffers (hub.ts hubGpuOutputs)
    const gpuOutputs = hubGpuOutputs(req.manifest, req.backend);
    const s = await createSession(held.weights, req.backend, { ...held.sessionOpts, profile: req.profile, externalData, gpuOutputs });
    held.session = s;
    const loadMs = performance.now() - t0;
    // The first forward compiles the WebAssembly kernels it calls (V8 compiles lazily): a loaded model's worker pays
    // it here, before its first prediction; a measurement's fresh worker does not, so its first run stays reported.
    const warmMs = req.warm ? await timed(() => runWindow(forwardOf(s, req.manifest), req.manifest, WARM_WINDOW)) : undefined;
    const device = await s.device();
    device?.lost.then((info) =>
      post({ type: 'error', id: -1, failure: { kind: 'device-lost', message: deviceLostMessage(info) } }),
    );
    return {
      type: 'loaded',
      backend: req.backend,
      webgpuImpl: req.backend === 'webgpu' ? req.webgpuImpl : undefined,
      wasmThreads: s.wasmThreads,
      loadMs,
      warmMs,
      inputNames: [...s.inputNames],
      outputNames: [...s.outputNames],
      device: device && deviceInfo(device),
    };
  },

  async loadStep(req) {
    const { manifest: m } = loaded();
    if (!m.step || !held.weights) throw new EngineError('invalid-model', `${m.id} has no step graph`);
    const t0 = performance.now();
    await held.stepSession?.release();
    held.stepGraph = new Uint8Array(req.step);
    // WebGPU: the state's outputs stay on the GPU (a generation keeps its state there; ort.ts runBound)
    const gpuOutputs = m.step.state.map((s) => `new_${s.name}`);
    const st = await createSession(held.stepGraph, held.backend, { ...held.sessionOpts!, externalData: [{ path: m.step.weights, data: held.weights }], gpuOutputs });
    held.stepSession = st;
    return { type: 'stepLoaded', loadMs: performance.now() - t0, inputNames: [...st.inputNames], outputNames: [...st.outputNames] };
  },

  async inspect(req) {
    const inspected = await createSession(new Uint8Array(req.model), 'wasm', { wasmThreads: req.wasmThreads, webgpuImpl: 'jsep' });
    const io = inspected.io();
    // not awaited: the reply must not wait on ORT's release (the page ends this worker once it has the reply)
    void inspected.release().catch(() => undefined);
    return { type: 'inspected', io };
  },
};
