// A scripted Engine for the store and link tests: real bundled manifests, predictions and sweep points computed
// from the request (so a test can tell which request a result came from), failures on demand.
import { readFileSync } from 'node:fs';
import { ManifestSchema, ModelIndexSchema, type Manifest } from '../../src/catalog/manifest';
import { estimate } from '../../src/catalog/costModel';
import { latentsAt } from '../../src/catalog/facts';
import { recallPlan } from '../../src/engine/recall';
import { EngineError, type Engine, type GenerateOptions, type MeasurePoint, type Prediction, type Provenance, type RecallProbeResult } from '../../src/engine/types';
import { CATEGORIES, type Category } from '../../src/engine/profile';
import { useStore } from '../../src/state/store';

const get = useStore.getState;

export const manifests: Manifest[] = ModelIndexSchema.parse(JSON.parse(readFileSync('public/models/index.json', 'utf8'))).models.map((id) =>
  ManifestSchema.parse(JSON.parse(readFileSync(`public/models/${id}/manifest.json`, 'utf8'))),
);

const PROVENANCE: Provenance = {
  browser: 'Test 1', platform: 'test', hardwareThreads: 2, crossOriginIsolated: true, ep: 'wasm', wasmThreads: 1, ort: '1.30.0', app: 'test', measuredAt: '2026-11-30T12:00:00.000Z',
};

export interface FakeOptions {
  failLoad?: Record<string, EngineError>; // model id -> what load throws
  failProfile?: string[]; // model ids whose profile fails
  predictDelayMs?: (id: string, context: number) => number;
  inspect?: Engine['inspect']; // what a person's graph would show (default: the engine refuses it)
  failGenerate?: Record<string, { after: number; error: EngineError }>; // model id -> fails after this many bytes
  failRecall?: Record<string, { after: number; error: EngineError }>; // model id -> fails after this many probes
}

export function fakeEngine(opts: FakeOptions = {}) {
  const calls = { recall: [] as { id: string; length: number; probes: number }[], generate: [] as { id: string; prompt: number; opts: GenerateOptions }[], load: [] as string[], predict: [] as { id: string; context: number; bytes: number; latents?: number }[], sweeps: 0, profiles: [] as { id: string; context: number }[], userModels: [] as string[], plans: [] as NonNullable<Parameters<Engine['sweep']>[0]['plan']>[] };
  const known = [...manifests]; // this engine's models: the bundled ones, and any a test adds as its own
  const engine: Engine = {
    detectWebGPU: async () => ({ available: false, reason: 'test', isFallbackAdapter: false, vendor: '', architecture: '', description: '', features: [], limits: { maxBufferSize: 0, maxStorageBufferBindingSize: 0 } }),
    listModels: async () => known.filter((m) => !m.userModel),
    inspect: async (model) => {
      if (!opts.inspect) throw new EngineError('invalid-model', 'no graph');
      return opts.inspect(model);
    },
    addUserModel: (m) => void (calls.userModels.push(m.id), known.push(m)),
    addHubModel: (m) => void (calls.userModels.push(m.id), known.push(m)),
    tokenizerOf: () => undefined,
    removeUserModel: async (id) => void known.splice(known.findIndex((m) => m.id === id), 1),
    async load(id, backend, onProgress) {
      calls.load.push(id);
      if (opts.failLoad?.[id]) throw opts.failLoad[id];
      const m = known.find((x) => x.id === id)!;
      onProgress?.({ modelId: id, loadedBytes: m.graph.bytes, totalBytes: m.graph.bytes, fromCache: false });
      const b = backend === 'auto' ? 'wasm' : backend;
      return { modelId: id, manifest: m, backend: b, wasmThreads: 1, crossOriginIsolated: false, build: 'test', loadMs: 1 };
    },
    unload: async () => {},
    async predict(id, input, context, latents) {
      calls.predict.push({ id, context, bytes: input.length, latents });
      const delay = opts.predictDelayMs?.(id, context) ?? 0;
      if (delay) await new Promise((r) => setTimeout(r, delay));
      const limit = known.find((x) => x.id === id)!.config.maxContext;
      const n = Math.min(context, limit, input.length);
      const bits = Array.from({ length: n - 1 }, (_, i) => (input[input.length - n + i + 1] % 8) + context / 1e6);
      const p: Prediction = {
        modelId: id, backend: 'wasm', contextLength: n, requestedContext: context, windowStart: input.length - n, coveredStart: 0, scoredStart: 1,
        surprisalBits: bits, bitsPerByte: bits.reduce((a, b) => a + b, 0) / bits.length, top: [], topStart: n, nextTop: [{ byte: 97, p: 1 }], latencyMs: 1,
        clippedReason: context > limit ? `this model's limit is ${limit} bytes` : undefined,
      };
      return p;
    },
    measure: async () => {
      throw new Error('not used');
    },
    async profile(modelId, backend, contextLength, o) {
      calls.profiles.push({ id: modelId, context: contextLength });
      await new Promise((r) => setTimeout(r, 1));
      if (opts.failProfile?.includes(modelId)) return { ok: false, modelId, backend, contextLength, failure: { kind: 'out-of-memory', message: 'test' } };
      const byCategory = Object.fromEntries(CATEGORIES.map((c, i) => [c, (i + 1) * contextLength / 1000])) as Record<Category, number>;
      const opsMs = Object.values(byCategory).reduce((a, b) => a + b, 0);
      return {
        ok: true, modelId, backend, contextLength, numLatents: o?.numLatents, windows: 2, runMs: opsMs * 1.05, opsMs, kernels: 300, byCategory,
        top: [{ name: '/cross/Softmax', opType: 'Softmax', category: 'softmax', ms: byCategory.softmax, shape: `1x4x256x${contextLength}` }],
        source: 'ort-trace', provenance: PROVENANCE,
      };
    },
    async peak(backend) {
      return { ok: true, backend, n: 1024, firstRunMs: 80, medianMs: 50, gflops: 42.9, provenance: PROVENANCE };
    },
    decode: async () => {
      throw new Error('not used');
    },
    attention: async () => {
      throw new Error('not used');
    },
    // one byte per millisecond: prompt[last] + 1, + 2, ...; stops on abort after the byte in progress
    async generate(id, prompt, o, onByte, signal) {
      calls.generate.push({ id, prompt: prompt.length, opts: o });
      const out: number[] = [];
      const fail = opts.failGenerate?.[id];
      for (let i = 0; i < o.maxBytes && !signal?.aborted; i++) {
        if (fail && i === fail.after) throw fail.error;
        await new Promise((r) => setTimeout(r, 1));
        out.push((prompt[prompt.length - 1] + 1 + i) % 256);
        onByte?.({ byte: out[i], index: i, ms: i ? 1 : 10, refills: 0 });
      }
      const stepMs = out.map((_, i) => (i ? 1 : 10));
      return {
        modelId: id, backend: 'wasm', wasmThreads: 1, cached: o.cache !== false, promptBytes: prompt.length, bytes: Uint8Array.from(out), stepMs, latents: [],
        prefillMs: 10, medianMs: 1, p95Ms: 1, msPerByte: 1, bytesPerSec: 1000, refills: 0, stateBytes: 1024, capacity: prompt.length + o.maxBytes - 1,
        memory: { wasmHeapBytes: 1 << 24 }, stopped: out.length < o.maxBytes ? `stopped by the user after ${out.length} bytes` : undefined,
      };
    },
    // reads probe i right when i is even (its answer bytes), wrong when odd (each answer byte + 1), 1 ms each
    async recall(id, probes, _o, onProbe, signal) {
      const m = known.find((x) => x.id === id)!;
      const length = Math.max(...probes.map((p) => p.bytes.length));
      calls.recall.push({ id, length, probes: probes.length });
      const plan = recallPlan(m, length);
      if (plan instanceof EngineError) throw plan;
      const got: RecallProbeResult[] = [];
      const fail = opts.failRecall?.[id];
      for (const [index, p] of probes.entries()) {
        if (signal?.aborted) break;
        if (fail && index === fail.after) throw fail.error;
        await new Promise((r) => setTimeout(r, 1));
        const answer = p.answers.flatMap((a) => Array.from(p.bytes.subarray(a.start, a.start + a.length)));
        const predicted = Uint8Array.from(answer, (b) => (index % 2 ? (b + 1) % 256 : b));
        const r = { index, predicted, top: [...predicted].map((byte) => [{ byte, p: 0.9 }]), ms: 2 + index };
        got.push(r);
        onProbe?.(r);
      }
      return { modelId: id, backend: 'wasm', ...plan, probes: got, stopped: got.length < probes.length ? `stopped by the user after ${got.length} of ${probes.length} probes` : undefined, memory: { wasmHeapBytes: 1 << 24 } };
    },
    async sweep(spec, onPoint, signal) {
      calls.sweeps++;
      const out: MeasurePoint[] = [];
      const ns = spec.contextLengths ?? [256, 512];
      const plan = spec.plan ?? spec.backends.flatMap((backend) => spec.modelIds.flatMap((modelId) => ns.map((contextLength) => ({ modelId, backend, contextLength }))));
      calls.plans.push(plan);
      for (const { modelId, backend, contextLength: n } of plan) {
        await new Promise((r) => setTimeout(r, 1));
        if (signal?.aborted) return out;
        const m = known.find((x) => x.id === modelId)!;
        const M = latentsAt(m, n, spec.numLatents);
        // figures as the engine computes them: median and type-7 p95 of the runs, N / median
        const p: MeasurePoint = {
          ok: true, modelId, backend, contextLength: n, numLatents: M, firstRunMs: 2, samplesMs: [1, 1.5, 2], medianMs: 1.5, p95Ms: 1.95, bytesPerSec: n / 0.0015,
          memory: { wasmHeapBytes: 1 << 24 }, estimate: estimate(m, n, M), wasmThreads: 1,
        };
        out.push(p);
        onPoint(p, { done: out.length, total: plan.length, current: { modelId, backend, contextLength: n } });
      }
      return out;
    },
    cache: { list: async () => [], delete: async () => {}, clear: async () => {} },
  };
  return { engine, calls };
}

/** A Blob with a name, as the store's loadFile takes it. */
export const namedBlob = (name: string, bytes: Uint8Array | string) => Object.assign(new Blob([bytes as BlobPart]), { name });

/** The page opened on a scripted engine, with `text` as its input; returns the fake for its calls and failures. */
export async function openPage(text: string, opts?: FakeOptions) {
  const fake = fakeEngine(opts);
  await get().init(fake.engine, null);
  useStore.getState().setText(text);
  return fake;
}
