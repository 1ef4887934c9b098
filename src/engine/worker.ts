// One module worker per loaded model: owns its onnxruntime-web session, answers protocol requests.
import { deviceInfo } from './backend';
import { installMeters, readMemory, resetPeak } from './memory';
import { createSession, type Session } from './ort';
import { runWindow } from './graphRunner';
import { createDecoder } from './stepRunner';
import { adaptFeeds } from './userModel';
import { cachedSource, generateBytes, windowSource } from './generation';
import { score } from './surprisal';
import { timeRuns } from './stats';
import { classify } from './failures';
import { isRequest, type ProfileRequest, type ProfiledReply, type Reply, type Request } from './protocol';
import { opsFromGpuRecords, opsFromTrace, parseTrace, summarize } from './profile';
import { matmulGraph } from './matmulGraph';
import type { Manifest } from '../catalog/manifest';
import type { BackendName } from './types';

installMeters(); // before any session: ORT's device and WASM memory are created later

let session: Session | undefined;
let manifest: Manifest | undefined;
let backend: BackendName = 'wasm';
let sessionOpts: Parameters<typeof createSession>[2] | undefined;
let weights: Uint8Array | undefined; // the forward graph's bytes: the step graph reads its weights from them
let stepSession: Session | undefined;
let analysis: { sha256: string; session: Session } | undefined; // attention.onnx, opened on first use

const WARM_WINDOW = Uint8Array.from({ length: 256 }, (_, i) => 97 + ((i * 7) % 26));
const timed = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

const post = (reply: Reply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);

const stops = new Set<number>(); // generations asked to stop
// A macrotask turn without setTimeout's clamping: lets a stop message in between two bytes.
const turn = new MessageChannel();
const pause = () => new Promise<void>((resolve) => ((turn.port1.onmessage = () => resolve()), turn.port2.postMessage(null)));

async function handle(req: Request): Promise<void> {
  if (req.type === 'inspect') {
    const inspected = await createSession(new Uint8Array(req.model), 'wasm', { wasmThreads: req.wasmThreads, webgpuImpl: 'jsep' });
    post({ type: 'inspected', id: req.id, io: inspected.io() });
    await inspected.release();
    return;
  }
  if (req.type === 'load') {
    manifest = req.manifest;
    backend = req.backend;
    const t0 = performance.now();
    weights = new Uint8Array(req.model);
    sessionOpts = { wasmThreads: req.wasmThreads, webgpuImpl: req.webgpuImpl, wasmModule: req.wasmModule };
    session = await createSession(weights, req.backend, { ...sessionOpts, profile: req.profile });
    const loadMs = performance.now() - t0;
    // The first forward compiles the WebAssembly kernels it calls (V8 compiles lazily): a loaded model's worker pays
    // it here, before its first prediction; a measurement's fresh worker does not, so its first run stays reported.
    const warmMs = req.warm ? await timed(() => runWindow((f) => session!.run(f), req.manifest, WARM_WINDOW)) : undefined;
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
      loadMs,
      warmMs,
      inputNames: [...session.inputNames],
      outputNames: [...session.outputNames],
      device: device && deviceInfo(device),
    });
    return;
  }
  if (req.type === 'peak') {
    const s = await createSession(matmulGraph(), req.backend, req);
    const device = await s.device();
    const random = () => ({ dtype: 'float32' as const, data: Float32Array.from({ length: req.n * req.n }, () => Math.random() - 0.5), dims: [req.n, req.n] });
    const feeds = { A: random(), B: random() };
    const { firstRunMs, samplesMs } = await timeRuns(async () => void (await s.run(feeds)), req.policy);
    await s.release();
    return post({ type: 'peaked', id: req.id, wasmThreads: s.wasmThreads, device: device && deviceInfo(device), firstRunMs, samplesMs });
  }
  if (!session || !manifest) throw Object.assign(new Error('No model is loaded in this worker'), { kind: 'invalid-model' });
  const s = session;
  const m = manifest;
  // a person's own graph takes the engine's feeds under its own names (userModel.ts)
  const names = m.userModel?.feeds;
  const run = names
    ? async (feeds: Parameters<Session['run']>[0]) => ({ logits: (await s.run(adaptFeeds(feeds, names)))[names.logits] })
    : (feeds: Parameters<Session['run']>[0]) => s.run(feeds);
  if (req.type === 'loadStep') {
    if (!m.step || !weights) throw Object.assign(new Error(`${m.id} has no step graph`), { kind: 'invalid-model' });
    const t0 = performance.now();
    await stepSession?.release();
    stepSession = await createSession(new Uint8Array(req.step), backend, { ...sessionOpts!, externalData: [{ path: m.step.weights, data: weights }] });
    post({ type: 'stepLoaded', id: req.id, loadMs: performance.now() - t0, inputNames: [...stepSession.inputNames], outputNames: [...stepSession.outputNames] });
    return;
  }
  if (req.type === 'decode') {
    if (!stepSession) throw Object.assign(new Error('The step graph is not loaded in this worker'), { kind: 'invalid-model' });
    const st = stepSession;
    const decoder = createDecoder((feeds) => st.run(feeds), m, req.options);
    const V = m.config.vocabSize;
    const lastLogits = new Float32Array(req.pieces.length * V);
    const pieceMs: number[] = [];
    const latentsAfter: number[] = [];
    let at = 0;
    for (const [i, n] of req.pieces.entries()) {
      const t0 = performance.now();
      const out = await decoder.append(req.bytes.subarray(at, at + n));
      pieceMs.push(performance.now() - t0);
      lastLogits.set(out.logits, i * V);
      latentsAfter.push(decoder.latents);
      at += n;
    }
    post(
      { type: 'decoded', id: req.id, lastLogits, pieceMs, refills: decoder.refills, latentsAfter, stateBytes: decoder.stateBytes, capacity: decoder.capacity },
      [lastLogits.buffer],
    );
    return;
  }
  if (req.type === 'attention') {
    if (!m.attentionGraph || !weights) throw Object.assign(new Error(`${m.id} has no attention graph`), { kind: 'invalid-model' });
    if (analysis?.sha256 !== req.sha256) {
      await analysis?.session.release();
      const externalData = [{ path: m.attentionGraph.weights, data: weights }];
      analysis = { sha256: req.sha256, session: await createSession(new Uint8Array(req.graph), backend, { ...sessionOpts!, externalData }) };
    }
    const feeds: Parameters<Session['run']>[0] = {
      tokens: { dtype: 'int64', data: BigInt64Array.from(req.window, (b) => BigInt(b)), dims: [1, req.window.length] },
      query: { dtype: 'int64', data: BigInt64Array.of(BigInt(req.query)), dims: [1] },
    };
    if (m.io === 'latents') feeds.num_latents = { dtype: 'int64', data: BigInt64Array.of(BigInt(req.numLatents ?? req.window.length)), dims: [] };
    const attention = (await analysis.session.run(feeds)).attention.data;
    post({ type: 'attended', id: req.id, weights: attention }, [attention.buffer]);
    return;
  }
  if (req.type === 'stop') {
    stops.add(req.target);
    return;
  }
  if (req.type === 'generate') {
    const o = req.options;
    if (o.cache !== false && !stepSession) throw Object.assign(new Error('The step graph is not loaded in this worker'), { kind: 'invalid-model' });
    const st = stepSession;
    const src = o.cache === false ? windowSource(run, m, req.prompt, o) : cachedSource((feeds) => st!.run(feeds), m, req.prompt, o);
    resetPeak();
    try {
      const { stopped } = await generateBytes(src, o, {
        onByte: (b) => post({ type: 'generating', id: req.id, ...b }),
        pause,
        stopRequested: () => stops.has(req.id),
      });
      const { refills } = src.now();
      const { numLatents, refillTo, stateBytes, capacity } = src;
      post({ type: 'generated', id: req.id, stopped, refills, numLatents, refillTo, stateBytes, capacity, memory: readMemory(backend === 'webgpu') });
    } finally {
      stops.delete(req.id);
    }
    return;
  }
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
  if (req.type === 'profile') return post({ type: 'profiled', id: req.id, profile: await profileWindows(s, m, req) });
  resetPeak();
  const { firstRunMs, samplesMs } = await timeRuns(async () => void (await runWindow(run, m, req.window, req.numLatents)), req.policy);
  post({ type: 'measured', id: req.id, firstRunMs, samplesMs, memory: readMemory(backend === 'webgpu') });
}

/**
 * Runs a window once (first run) and once more (warm-up), then `windows` times with ORT's profiler recording, and
 * groups the operators' times. JSEP's GPU kernels are timed on the GPU; its CPU-side nodes come from the trace.
 */
async function profileWindows(s: Session, m: Manifest, req: ProfileRequest): Promise<ProfiledReply['profile']> {
  if (!s.endProfiling) throw new Error('this worker was not loaded for profiling');
  let sessionRuns = 0;
  const run = (feeds: Parameters<Session['run']>[0]) => (sessionRuns++, s.run(feeds));
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
  if (backend === 'webgpu') {
    // the timestamps are read back after the work is done: wait for the queue, then for the readbacks' callbacks
    await (await s.device())?.queue.onSubmittedWorkDone();
    await new Promise((r) => setTimeout(r, 100));
  }
  const trace = parseTrace(s.endProfiling());
  const ops = gpu
    ? [...opsFromGpuRecords(gpu, req.windows), ...opsFromTrace(trace, runsPerWindow, req.windows, 'CPUExecutionProvider')]
    : opsFromTrace(trace, runsPerWindow, req.windows);
  if (gpu && gpu.length === 0) throw new Error('WebGPU gave no kernel timestamps: the adapter lacks the timestamp-query feature');
  return { windows: req.windows, runMs: wallMs / req.windows, ...summarize(ops), source: gpu ? 'ort-trace+gpu-timestamps' : 'ort-trace' };
}

self.onmessage = (ev: MessageEvent) => {
  const req = ev.data;
  if (!isRequest(req)) return;
  handle(req).catch((err) => post({ type: 'error', id: req.id, failure: classify(err) }));
};
