// The engine the page uses: one worker per loaded model, a fresh worker per measurement, failures as results.
import { estimate } from '../catalog/costModel';
import type { Manifest } from '../catalog/manifest';
import { detectWebGPU, resolveBackend } from './backend';
import { classify } from './failures';
import { clearCache, deleteCached, fetchManifests, fetchModelBytes, listCached } from './models';
import { isReply, type LoadedReply, type MeasuredReply, type PredictedReply, type Reply, type Request } from './protocol';
import { DEFAULT_POLICY, median, quantile } from './stats';
import { mean } from './surprisal';
import { firstWindow, lastWindow } from './tokenizer';
import {
  EngineError,
  type BackendChoice,
  type BackendName,
  type Engine,
  type EngineFailure,
  type LoadedModel,
  type MeasureOptions,
  type MeasurePoint,
  type Prediction,
  type SweepProgress,
} from './types';

type Pending = { resolve: (r: Reply) => void; reject: (e: EngineError) => void };
type Body<R> = R extends Request ? Omit<R, 'id'> : never;

/** A worker and its outstanding requests. A worker that fails hard is terminated, never reused. */
class ModelWorker {
  private worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  private pending = new Map<number, Pending>();
  private nextId = 1;
  dead: EngineFailure | undefined;

  constructor(private onDeath: (f: EngineFailure) => void) {
    this.worker.onmessage = (ev) => {
      const reply = ev.data;
      if (!isReply(reply)) return;
      if (reply.type === 'error' && reply.id === -1) return this.kill(reply.failure);
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.type === 'error') p.reject(new EngineError(reply.failure.kind, reply.failure.message));
      else p.resolve(reply);
    };
    // A worker that dies (e.g. the WASM heap could not grow) reports here, not through a reply.
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      this.kill(classify(ev.message || 'The model worker crashed'));
    };
  }

  request<T extends Reply>(body: Body<Request>, transfer: Transferable[] = []): Promise<T> {
    if (this.dead) return Promise.reject(new EngineError(this.dead.kind, this.dead.message));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: Reply) => void, reject });
      this.worker.postMessage({ ...body, id }, transfer);
    });
  }

  kill(failure: EngineFailure): void {
    if (this.dead) return;
    this.dead = failure;
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new EngineError(failure.kind, failure.message));
    this.pending.clear();
    this.onDeath(failure);
  }
}

// Failures after which a worker's state cannot be trusted: start the next call on a fresh one.
const FATAL = new Set(['out-of-memory', 'device-lost', 'buffer-limit', 'unknown', 'cancelled']);

function syntheticWindow(n: number): Uint8Array {
  // Text-like bytes; latency does not depend on content, and a fixed pattern keeps runs comparable.
  const w = new Uint8Array(n);
  for (let i = 0; i < n; i++) w[i] = 97 + ((i * 7 + (i >> 3)) % 26);
  return w;
}

export function createEngine(opts: { webgpuImpl?: 'jsep' | 'native'; wasmThreads?: number } = {}): Engine {
  const webgpuImpl = opts.webgpuImpl ?? 'jsep';
  const wasmThreads = opts.wasmThreads ?? Math.max(1, navigator.hardwareConcurrency || 1);
  let manifests: Promise<Map<string, Manifest>> | undefined;
  const bytes = new Map<string, Promise<Uint8Array>>();
  const loaded = new Map<string, { worker: ModelWorker; info: LoadedModel }>();
  const choices = new Map<string, BackendChoice>(); // what the caller asked for, to reload after a failure

  const getManifests = () => {
    manifests ??= fetchManifests().then((ms) => new Map(ms.map((m) => [m.id, m])));
    manifests.catch(() => (manifests = undefined));
    return manifests;
  };
  async function manifestOf(id: string): Promise<Manifest> {
    const m = (await getManifests()).get(id);
    if (!m) throw new EngineError('invalid-model', `No bundled model is called "${id}"`);
    return m;
  }
  function bytesOf(m: Manifest, onProgress?: Parameters<Engine['load']>[2]) {
    let b = bytes.get(m.id);
    if (!b) {
      b = fetchModelBytes(m, onProgress);
      bytes.set(m.id, b);
      b.catch(() => bytes.delete(m.id));
    }
    return b;
  }

  /** A new worker with the model's session created and its graph checked against the manifest. */
  async function spawn(m: Manifest, backend: BackendName, onDeath: (f: EngineFailure) => void, onProgress?: Parameters<Engine['load']>[2]) {
    const model = await bytesOf(m, onProgress);
    const worker = new ModelWorker(onDeath);
    const copy = model.slice().buffer;
    let reply: LoadedReply;
    try {
      reply = await worker.request<LoadedReply>({ type: 'load', manifest: m, model: copy, backend, wasmThreads, webgpuImpl }, [copy]);
    } catch (e) {
      worker.kill({ kind: 'cancelled', message: 'load failed' });
      const f = classify(e);
      throw new EngineError(f.kind === 'unknown' ? 'invalid-model' : f.kind, `${m.id} on ${backend}: ${f.message}`);
    }
    const want = { inputs: m.graph.inputs.map((t) => t.name), outputs: m.graph.outputs.map((t) => t.name) };
    if (want.inputs.join() !== reply.inputNames.join() || want.outputs.join() !== reply.outputNames.join()) {
      worker.kill({ kind: 'invalid-model', message: 'manifest mismatch' });
      throw new EngineError(
        'invalid-model',
        `${m.id}: the manifest does not match the graph. Manifest inputs [${want.inputs}] outputs [${want.outputs}]; graph inputs [${reply.inputNames}] outputs [${reply.outputNames}].`,
      );
    }
    return { worker, reply };
  }

  const engine: Engine = {
    detectWebGPU,
    listModels: async () => [...(await getManifests()).values()],

    async load(id, choice, onProgress) {
      const m = await manifestOf(id);
      const backend = await resolveBackend(choice);
      choices.set(id, choice);
      const current = loaded.get(id);
      if (current && !current.worker.dead && current.info.backend === backend) return current.info;
      if (current) current.worker.kill({ kind: 'cancelled', message: 'replaced' });
      loaded.delete(id);
      let spawned: ModelWorker | undefined; // set once spawn returns; a worker that dies earlier was never registered
      const { worker, reply } = await spawn(m, backend, () => void (spawned && loaded.get(id)?.worker === spawned && loaded.delete(id)), onProgress);
      spawned = worker;
      const info: LoadedModel = {
        modelId: id,
        manifest: m,
        backend: reply.backend,
        webgpuImpl: reply.webgpuImpl,
        wasmThreads: reply.wasmThreads,
        crossOriginIsolated: self.crossOriginIsolated,
        loadMs: reply.loadMs,
      };
      loaded.set(id, { worker, info });
      return info;
    },

    async unload(id) {
      loaded.get(id)?.worker.kill({ kind: 'cancelled', message: 'unloaded' });
      loaded.delete(id);
      choices.delete(id);
    },

    async predict(id, input, contextLength, numLatents) {
      if (input.length === 0) throw new EngineError('bad-input', 'The input is empty: paste text, drop a file or pick a preset.');
      let entry = loaded.get(id);
      if (!entry) {
        // after a failure the worker is gone: start a fresh one with the backend the caller chose
        if (!choices.has(id)) throw new EngineError('invalid-model', `${id} is not loaded`);
        await engine.load(id, choices.get(id)!);
        entry = loaded.get(id)!;
      }
      const { worker, info } = entry;
      const limit = info.manifest.config.maxContext;
      const n = Math.min(contextLength, limit, input.length);
      const clippedReason =
        contextLength > limit
          ? `this model's limit is ${limit.toLocaleString()} bytes`
          : contextLength > input.length
            ? `the input has only ${input.length.toLocaleString()} bytes`
            : undefined;
      const { window, start } = info.manifest.config.window === 'prefix' ? firstWindow(input, n) : lastWindow(input, n);
      const M = info.manifest.io === 'latents' ? Math.min(numLatents ?? info.manifest.config.latents ?? n, n) : undefined;
      let r: PredictedReply;
      try {
        r = await worker.request<PredictedReply>({ type: 'predict', window: window.slice(), numLatents: M });
      } catch (e) {
        const f = classify(e);
        if (FATAL.has(f.kind)) worker.kill(f);
        throw new EngineError(f.kind, `${id} at ${n.toLocaleString()} bytes on ${info.backend}: ${f.message}`);
      }
      const scoredStart = r.coveredStart + 1;
      const prediction: Prediction = {
        modelId: id,
        backend: info.backend,
        contextLength: n,
        requestedContext: contextLength,
        clippedReason,
        windowStart: start,
        numLatents: M,
        coveredStart: r.coveredStart,
        scoredStart,
        surprisalBits: Array.from(r.surprisalBits),
        bitsPerByte: mean(r.surprisalBits),
        top: r.top,
        topStart: n - r.top.length,
        nextTop: r.nextTop,
        latencyMs: r.latencyMs,
      };
      return prediction;
    },

    async measure(id, backend, contextLength, o: MeasureOptions = {}, signal?: AbortSignal): Promise<MeasurePoint> {
      const m = await manifestOf(id);
      const M = m.io === 'latents' ? Math.min(o.numLatents ?? m.config.latents ?? contextLength, contextLength) : undefined;
      const est = estimate(m, contextLength, M);
      const base = { modelId: id, backend, contextLength, numLatents: M, estimate: est };
      const fail = (failure: EngineFailure): MeasurePoint => ({ ok: false, ...base, failure });
      if (contextLength > m.config.maxContext)
        return fail({ kind: 'over-limit', message: `beyond this model's limit of ${m.config.maxContext.toLocaleString()} bytes` });
      if (backend === 'webgpu') {
        const gpu = await detectWebGPU();
        if (!gpu.available) return fail({ kind: 'webgpu-unavailable', message: gpu.reason ?? 'WebGPU is not available' });
        if (est.largestTensorBytes > gpu.limits.maxStorageBufferBindingSize)
          return fail({
            kind: 'buffer-limit',
            message: `not run: one tensor would need ${(est.largestTensorBytes / 2 ** 20).toFixed(0)} MiB (estimate), over this device's maxStorageBufferBindingSize of ${(gpu.limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB`,
          });
      }
      let worker: ModelWorker | undefined;
      const onAbort = () => worker?.kill({ kind: 'cancelled', message: 'stopped by the user' });
      signal?.addEventListener('abort', onAbort);
      try {
        // a fresh worker per point: no buffer cache or heap inherited from another configuration
        ({ worker } = await spawn(m, backend, () => {}));
        if (signal?.aborted) onAbort();
        const policy = { ...DEFAULT_POLICY, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) };
        const r = await worker.request<MeasuredReply>({ type: 'measure', window: syntheticWindow(contextLength), numLatents: M, policy });
        const med = median(r.samplesMs);
        return {
          ok: true,
          ...base,
          firstRunMs: r.firstRunMs,
          samplesMs: r.samplesMs,
          medianMs: med,
          p95Ms: quantile(r.samplesMs, 0.95),
          tokensPerSec: contextLength / (med / 1000),
          memory: r.memory,
          wasmThreads: backend === 'wasm' ? wasmThreadsOf() : 0,
        };
      } catch (e) {
        return fail(classify(e));
      } finally {
        signal?.removeEventListener('abort', onAbort);
        worker?.kill({ kind: 'cancelled', message: 'measurement done' });
      }
    },

    async sweep(spec, onPoint, signal) {
      const ms = await getManifests();
      const plan: { id: string; backend: BackendName; n: number }[] = [];
      for (const backend of spec.backends)
        for (const id of spec.modelIds) {
          const m = ms.get(id);
          if (!m) continue;
          const ns = spec.contextLengths ?? powersOfTwo(256, m.config.maxContext);
          for (const n of ns) plan.push({ id, backend, n });
        }
      const points: MeasurePoint[] = [];
      const stopped = new Set<string>();
      for (const [i, step] of plan.entries()) {
        if (signal?.aborted) break;
        const key = `${step.id}|${step.backend}`;
        if (stopped.has(key)) continue;
        const p = await engine.measure(step.id, step.backend, step.n, { ...spec.measure, numLatents: spec.numLatents }, signal);
        if (!p.ok && p.failure.kind === 'cancelled' && signal?.aborted) break;
        points.push(p);
        if (!p.ok && spec.stopAfterFailure !== false) stopped.add(key);
        const progress: SweepProgress = { done: i + 1, total: plan.length, current: { modelId: step.id, backend: step.backend, contextLength: step.n } };
        onPoint(p, progress);
      }
      return points;
    },

    cache: { list: listCached, delete: deleteCached, clear: clearCache },
  };
  const wasmThreadsOf = () => (self.crossOriginIsolated ? wasmThreads : 1);
  return engine;
}

export function powersOfTwo(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n *= 2) out.push(n);
  return out;
}
