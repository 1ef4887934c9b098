// Measurement: one point (a model at N on a backend) in a fresh worker, and sweeps over N. Failures are results.
import { estimateOf } from '../catalog/costModel';
import { decodingLimit, hasCachedDecoding, latentsAt } from '../catalog/facts';
import type { Manifest } from '../catalog/manifest';
import { detectWebGPU } from './backend';
import { classify } from './failures';
import { hubHeapRefusal } from './hub';
import { measureDecode } from './measureDecode';
import type { ModelWorker } from './modelWorker';
import type { ReplyOf } from './protocol';
import { DEFAULT_POLICY, median, quantile } from './stats';
import type { BackendName, Engine, EngineFailure, MeasureOptions, MeasurePoint, ProfileOptions, ProfilePoint, Provenance, SweepProgress } from './types';

/** What measuring needs from the client: the manifests, a worker with a model's session created, provenance. */
export interface ModelSource {
  manifests(): Promise<Map<string, Manifest>>;
  manifestOf(id: string): Promise<Manifest>;
  webgpuImpl: 'jsep' | 'native';
  spawn(m: Manifest, backend: BackendName, onDeath: (f: EngineFailure) => void, o?: { profile?: boolean }): Promise<{ worker: ModelWorker; reply: ReplyOf<'load'> }>;
  /** Where a point is measured; `session` once the worker has one (else the page's adapter and settings). */
  provenance(backend: BackendName, session?: Pick<ReplyOf<'load'>, 'webgpuImpl' | 'wasmThreads' | 'device'>): Promise<Provenance>;
}

export function syntheticWindow(n: number, vocab: number): Uint8Array {
  // Text-like bytes; latency does not depend on content, and a fixed pattern keeps runs comparable. Ids stay in the
  // vocabulary of a person's model with fewer than 123 tokens.
  const w = new Uint8Array(n);
  for (let i = 0; i < n; i++) w[i] = (97 + ((i * 7 + (i >> 3)) % 26)) % vocab;
  return w;
}


export function powersOfTwo(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n *= 2) out.push(n);
  return out;
}

/** Why a point cannot run, before any worker starts: beyond the model's limit, no WebGPU, over a buffer limit. */
async function refusal(m: Manifest, backend: BackendName, contextLength: number, largestTensorBytes: number): Promise<EngineFailure | undefined> {
  if (contextLength > m.config.maxContext)
    return { kind: 'over-limit', message: `beyond this model's limit of ${m.config.maxContext.toLocaleString()} ${m.hub ? 'tokens' : 'bytes'}` };
  if (backend !== 'webgpu') return m.hub ? hubHeapRefusal(m, contextLength, 'forward') : undefined;
  const gpu = await detectWebGPU();
  if (!gpu.available) return { kind: 'webgpu-unavailable', message: gpu.reason ?? 'WebGPU is not available' };
  if (largestTensorBytes > gpu.limits.maxStorageBufferBindingSize)
    return {
      kind: 'buffer-limit',
      message: `not run: one tensor would need ${(largestTensorBytes / 2 ** 20).toFixed(0)} MiB (estimate), over this device's maxStorageBufferBindingSize of ${(gpu.limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB`,
    };
  return undefined;
}

export function measurement(src: ModelSource): Pick<Engine, 'measure' | 'sweep' | 'profile'> {
  /** A fresh worker with the model's session (a profiling one when asked), killed when `work` ends or on abort. */
  async function inFreshWorker<T>(m: Manifest, backend: BackendName, profile: boolean, signal: AbortSignal | undefined, work: (w: ModelWorker, loaded: ReplyOf<'load'>) => Promise<T>): Promise<T> {
    let worker: ModelWorker | undefined;
    const onAbort = () => worker?.kill({ kind: 'cancelled', message: 'stopped by the user' });
    signal?.addEventListener('abort', onAbort);
    try {
      const spawned = await src.spawn(m, backend, () => {}, { profile });
      worker = spawned.worker;
      if (signal?.aborted) onAbort();
      return await work(worker, spawned.reply);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      worker?.kill({ kind: 'cancelled', message: 'measurement done' });
    }
  }

  async function measure(id: string, backend: BackendName, contextLength: number, o: MeasureOptions = {}, signal?: AbortSignal): Promise<MeasurePoint> {
    const m = await src.manifestOf(id);
    const point = await measureForward(m, backend, contextLength, o, signal);
    if (!o.decode || signal?.aborted) return point;
    // decoding in a fresh worker of its own: its memory is decoding's, not what the forward left behind
    const window = (n: number) => syntheticWindow(n, Math.min(256, m.config.vocabSize));
    const heap = m.hub && backend === 'wasm' ? hubHeapRefusal(m, contextLength, 'decode') : undefined;
    const decode = heap
      ? ({ ok: false, failure: heap } as const)
      : await measureDecode(m, contextLength, o.numLatents, window, (work) => inFreshWorker(m, backend, false, signal, work), o.decodeCapacity, o.decodeGpuState);
    return { ...point, decode };
  }

  async function measureForward(m: Manifest, backend: BackendName, contextLength: number, o: MeasureOptions, signal?: AbortSignal): Promise<MeasurePoint> {
    const M = latentsAt(m, contextLength, o.numLatents);
    const est = estimateOf(m, contextLength, M);
    const base = { modelId: m.id, backend, contextLength, numLatents: M, estimate: est };
    let session: ReplyOf<'load'> | undefined;
    const fail = async (failure: EngineFailure): Promise<MeasurePoint> => ({ ok: false, ...base, failure, provenance: await src.provenance(backend, session) });
    if (o.skipForward) return fail({ kind: 'skipped', message: o.skipForward });
    const refused = await refusal(m, backend, contextLength, est.largestTensorBytes);
    if (refused) return fail(refused);
    try {
      // a fresh worker per point: no buffer cache or heap inherited from another configuration
      return await inFreshWorker(m, backend, false, signal, async (worker, loaded) => {
        session = loaded;
        const { warmupRuns, warmupMs, minRuns, minTimeMs, maxRuns } = o;
        const policy = { ...DEFAULT_POLICY, ...Object.fromEntries(Object.entries({ warmupRuns, warmupMs, minRuns, minTimeMs, maxRuns }).filter(([, v]) => v !== undefined)) };
        const r = await worker.call({ type: 'measure', window: syntheticWindow(contextLength, Math.min(256, m.config.vocabSize)), numLatents: M, policy });
        const med = median(r.samplesMs);
        const provenance = await src.provenance(backend, loaded);
        return {
          ok: true,
          ...base,
          firstRunMs: r.firstRunMs,
          sessionMs: loaded.loadMs,
          samplesMs: r.samplesMs,
          medianMs: med,
          p95Ms: quantile(r.samplesMs, 0.95),
          bytesPerSec: contextLength / (med / 1000),
          memory: r.memory,
          wasmThreads: provenance.wasmThreads,
          provenance,
        };
      });
    } catch (e) {
      return fail(classify(e));
    }
  }

  async function profile(id: string, backend: BackendName, contextLength: number, o: ProfileOptions = {}, signal?: AbortSignal): Promise<ProfilePoint> {
    const m = await src.manifestOf(id);
    const M = latentsAt(m, contextLength, o.numLatents);
    const base = { modelId: id, backend, contextLength, numLatents: M };
    const refused = await refusal(m, backend, contextLength, estimateOf(m, contextLength, M).largestTensorBytes);
    if (refused) return { ok: false, ...base, failure: refused };
    if (backend === 'webgpu' && src.webgpuImpl === 'native')
      // its trace times GPU programs by element counts, without shapes or run boundaries to group them by
      return { ok: false, ...base, failure: { kind: 'unknown', message: "per-operator GPU times come from JSEP's profiling hook; profile WebGPU with the JSEP build" } };
    try {
      return await inFreshWorker(m, backend, true, signal, async (worker, loaded) => {
        const r = await worker.call({ type: 'profile', window: syntheticWindow(contextLength, Math.min(256, m.config.vocabSize)), numLatents: M, windows: o.windows ?? 2 });
        return { ok: true, ...base, ...r.profile, provenance: await src.provenance(backend, loaded) };
      });
    } catch (e) {
      return { ok: false, ...base, failure: classify(e) };
    }
  }

  const sweep: Engine['sweep'] = async (spec, onPoint, signal) => {
    const ms = await src.manifests();
    const plan: { id: string; backend: BackendName; n: number; numLatents?: number }[] = [];
    if (spec.plan) for (const p of spec.plan) ms.has(p.modelId) && plan.push({ id: p.modelId, backend: p.backend, n: p.contextLength, numLatents: p.numLatents });
    else
      for (const backend of spec.backends)
        for (const id of spec.modelIds) {
          const m = ms.get(id);
          if (!m) continue;
          const top = spec.decode && hasCachedDecoding(m) ? Math.max(m.config.maxContext, decodingLimit(m)) : m.config.maxContext;
          const ns = spec.contextLengths ?? powersOfTwo(256, top);
          for (const n of ns) plan.push({ id, backend, n, numLatents: spec.numLatents });
        }
    const points: MeasurePoint[] = [];
    // after a failure at N, larger N of that model and backend are skipped: the forward and decoding apart
    const failedAt = new Map<string, MeasurePoint>();
    for (const [i, step] of plan.entries()) {
      if (signal?.aborted) break;
      const m = ms.get(step.id)!;
      const key = `${step.id}|${step.backend}`;
      const decode = !!spec.decode && hasCachedDecoding(m) && !failedAt.has(`${key}|decode`) && step.n <= decodingLimit(m);
      const fwdFailure = failedAt.get(`${key}|forward`);
      const skipForward = fwdFailure
        ? `not run: the one-shot forward failed at N = ${fwdFailure.contextLength.toLocaleString('en-US')}`
        : decode && step.n > m.config.maxContext
          ? `not run: past the one-shot forward's limit of ${m.config.maxContext.toLocaleString('en-US')} bytes (cached decoding goes further)`
          : undefined;
      if (skipForward && !decode) continue;
      const p = await measure(step.id, step.backend, step.n, { ...spec.measure, numLatents: step.numLatents, decode, skipForward }, signal);
      const cancelled = (!p.ok && p.failure.kind === 'cancelled') || (p.decode && !p.decode.ok && p.decode.failure.kind === 'cancelled');
      if (cancelled && signal?.aborted) break;
      points.push(p);
      // a lost GPU is not the model's limit: that point says so and the next runs in a fresh worker on a new device
      if (spec.stopAfterFailure !== false) {
        if (!p.ok && p.failure.kind !== 'skipped' && p.failure.kind !== 'device-lost') failedAt.set(`${key}|forward`, p);
        if (p.decode && !p.decode.ok && p.decode.failure.kind !== 'device-lost') failedAt.set(`${key}|decode`, p);
      }
      const progress: SweepProgress = { done: i + 1, total: plan.length, current: { modelId: step.id, backend: step.backend, contextLength: step.n } };
      onPoint(p, progress);
    }
    return points;
  };

  return { measure, sweep, profile };
}
