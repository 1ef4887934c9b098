// The engine the page uses: one worker per loaded model for predictions and cached decoding (decoding.ts), and
// measurement (measure.ts) in a fresh worker per point. Downloads and manifests are shared by both; failures are errors with a kind, or results.
import type { Manifest } from '../catalog/manifest';
import { detectWebGPU, resolveBackend } from './backend';
import { defaultWasmThreads } from './isolation';
import { classify } from './failures';
import { wasmThreadsHere } from './isolation';
import { measurement, type ModelSource } from './measure';
import { clearCache, deleteCached, fetchManifests, fetchModelBytes, listCached } from './models';
import { attentionView } from './attentionView';
import { decoding } from './decoding';
import { recalling } from './recall';
import { checkGraphNames, ModelWorker } from './modelWorker';
import { buildOf, sharedWasmModule } from './ort';
import { measurePeak } from './peak';
import { provenance } from './provenance';
import type { ReplyOf } from './protocol';
import { mean } from './surprisal';
import { modelWindow } from '../catalog/facts';
import { EngineError, type BackendChoice, type BackendName, type Engine, type EngineFailure, type HubFiles, type LoadedModel, type Prediction } from './types';
import { hubHeapRefusal, hubWindow } from './hub';
import type { HubTokenizer } from '../hub/tokenizer';

// Failures after which a worker's state cannot be trusted: start the next call on a fresh one.
const FATAL = new Set(['out-of-memory', 'device-lost', 'buffer-limit', 'unknown', 'cancelled']);

export function createEngine(opts: { webgpuImpl?: 'jsep' | 'native'; wasmThreads?: number } = {}): Engine {
  const webgpuImpl = opts.webgpuImpl ?? 'jsep';
  // asked for; ort.ts gives 1 unless the page is cross-origin isolated
  const wasmThreads = opts.wasmThreads ?? defaultWasmThreads(navigator.hardwareConcurrency || 1);
  let manifests: Promise<Map<string, Manifest>> | undefined;
  const bytes = new Map<string, Promise<Uint8Array>>();
  const loaded = new Map<string, { worker: ModelWorker; info: LoadedModel }>();
  const choices = new Map<string, BackendChoice>(); // what the caller asked for, to reload after a failure
  const loading = new Map<string, Promise<LoadedModel>>(); // the last load asked for, per model

  const users = new Map<string, Manifest>(); // people's own models: their bytes are in `bytes`, never fetched
  const hubs = new Map<string, { external: HubFiles['externalData']; tokenizer: HubTokenizer }>(); // Hub decoders (also in users)

  const getBundled = () => {
    manifests ??= fetchManifests().then((ms) => new Map(ms.map((m) => [m.id, m])));
    manifests.catch(() => (manifests = undefined));
    return manifests;
  };
  const getManifests = async () => new Map([...(await getBundled()), ...users]);
  async function manifestOf(id: string): Promise<Manifest> {
    const m = users.get(id) ?? (await getBundled()).get(id);
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
  async function spawn(
    m: Manifest,
    backend: BackendName,
    onDeath: (f: EngineFailure) => void,
    o: { onProgress?: Parameters<Engine['load']>[2]; profile?: boolean; warm?: boolean } = {},
  ) {
    const [model, wasmModule] = await Promise.all([bytesOf(m, o.onProgress), sharedWasmModule(buildOf(backend, webgpuImpl))]);
    const worker = new ModelWorker(onDeath);
    const copy = model.slice().buffer;
    const externalData = hubs.get(m.id)?.external.map((f) => ({ path: f.path, data: f.data.slice().buffer }));
    let reply: ReplyOf<'load'>;
    try {
      const transfer = [copy, ...(externalData ?? []).map((f) => f.data)];
      reply = await worker.call({ type: 'load', manifest: m, model: copy, externalData, backend, wasmThreads, webgpuImpl, wasmModule, profile: o.profile, warm: o.warm }, transfer);
    } catch (e) {
      worker.kill({ kind: 'cancelled', message: 'load failed' });
      const f = classify(e);
      throw new EngineError(f.kind === 'unknown' ? 'invalid-model' : f.kind, `${m.id} on ${backend}: ${f.message}`);
    }
    checkGraphNames(worker, m.id, m.graph, reply);
    return { worker, reply };
  }

  /** The model's live worker; after a failure killed it, a fresh one with the backend the caller chose. */
  async function loadedWorker(id: string) {
    let entry = loaded.get(id);
    if (!entry) {
      if (!choices.has(id)) throw new EngineError('invalid-model', `${id} is not loaded`);
      await engine.load(id, choices.get(id)!);
      entry = loaded.get(id)!;
    }
    return entry;
  }

  const source: ModelSource = {
    manifests: getManifests,
    manifestOf,
    spawn,
    webgpuImpl,
    async provenance(backend, session) {
      return provenance(backend, session ?? { webgpuImpl, wasmThreads: wasmThreadsHere(wasmThreads) }, backend === 'webgpu' ? await detectWebGPU() : undefined);
    },
  };

  /** A worker with the model's session on the resolved backend: the current one when it fits, else a new one. */
  async function loadNow(id: string, choice: BackendChoice, onProgress?: Parameters<Engine['load']>[2]): Promise<LoadedModel> {
    const m = await manifestOf(id);
    const backend = await resolveBackend(choice);
    choices.set(id, choice);
    const current = loaded.get(id);
    if (current && !current.worker.dead && current.info.backend === backend) return current.info;
    if (current) current.worker.kill({ kind: 'cancelled', message: 'replaced' });
    loaded.delete(id);
    let spawned: ModelWorker | undefined; // set once spawn returns; a worker that dies earlier was never registered
    const { worker, reply } = await spawn(m, backend, () => void (spawned && loaded.get(id)?.worker === spawned && loaded.delete(id)), { onProgress, warm: true });
    spawned = worker;
    const info: LoadedModel = {
      modelId: id,
      manifest: m,
      backend: reply.backend,
      webgpuImpl: reply.webgpuImpl,
      wasmThreads: reply.wasmThreads,
      crossOriginIsolated: self.crossOriginIsolated,
      loadMs: reply.loadMs,
      warmMs: reply.warmMs,
    };
    loaded.set(id, { worker, info });
    return info;
  }

  /** A Hub decoder's prediction over the last N tokens of the input: surprisal per token, bits per byte over them. */
  async function hubPredict(id: string, worker: ModelWorker, info: LoadedModel, tokenizer: HubTokenizer, input: Uint8Array, contextLength: number): Promise<Prediction> {
    const { n, clippedReason, window, windowStart } = hubWindow(info.manifest, tokenizer, input, contextLength);
    if (n === 0) throw new EngineError('bad-input', 'The input gives no tokens: paste text, drop a file or pick a preset.');
    const heap = info.backend === 'wasm' ? hubHeapRefusal(info.manifest, n, 'forward') : undefined;
    if (heap) throw new EngineError(heap.kind, `${id} at ${n.toLocaleString()} tokens: ${heap.message}`);
    let r: ReplyOf<'predict'>;
    try {
      r = await worker.call({ type: 'predict', window });
    } catch (e) {
      const f = classify(e);
      if (FATAL.has(f.kind)) worker.kill(f);
      throw new EngineError(f.kind, `${id} at ${n.toLocaleString()} tokens on ${info.backend}: ${f.message}`);
    }
    const ids = Array.from(window);
    const spans = tokenizer.spans(ids);
    const scoredBytes = spans.bytes.slice(1).reduce((a, b) => a + b, 0);
    const bits = r.surprisalBits.reduce((a, b) => a + b, 0);
    const textOfTop = (top: { byte: number }[]) => top.map((t) => tokenizer.piece(t.byte));
    return {
      modelId: id,
      backend: info.backend,
      contextLength: n,
      requestedContext: contextLength,
      clippedReason,
      windowStart,
      coveredStart: r.coveredStart,
      scoredStart: r.coveredStart + 1,
      surprisalBits: Array.from(r.surprisalBits),
      bitsPerByte: scoredBytes ? bits / scoredBytes : NaN,
      top: r.top,
      topStart: n - r.top.length,
      nextTop: r.nextTop,
      latencyMs: r.latencyMs,
      tokens: { ids, text: spans.text, bytes: spans.bytes, topText: r.top.map(textOfTop), nextTopText: textOfTop(r.nextTop), bitsPerToken: mean(r.surprisalBits) },
    };
  }

  const engine: Engine = {
    detectWebGPU,
    listModels: async () => [...(await getBundled()).values()],

    async inspect(model) {
      const worker = new ModelWorker(() => {});
      const copy = model.slice().buffer;
      try {
        return (await worker.call({ type: 'inspect', model: copy, wasmThreads }, [copy])).io;
      } catch (e) {
        throw new EngineError('invalid-model', classify(e).message);
      } finally {
        worker.kill({ kind: 'cancelled', message: 'inspected' });
      }
    },
    addUserModel(m, model) {
      loaded.get(m.id)?.worker.kill({ kind: 'cancelled', message: 'replaced' }); // it ran under an earlier manifest
      loaded.delete(m.id);
      users.set(m.id, m);
      bytes.set(m.id, Promise.resolve(model));
    },
    async removeUserModel(id) {
      await engine.unload(id);
      users.delete(id);
      bytes.delete(id);
      hubs.delete(id);
    },
    addHubModel(m, files, tokenizer) {
      engine.addUserModel(m, files.graph);
      hubs.set(m.id, { external: files.externalData, tokenizer });
    },
    tokenizerOf: (id) => hubs.get(id)?.tokenizer,

    async load(id, choice, onProgress) {
      // one load of a model at a time: a call during another (a Run during the page's preload) reuses its session
      const next = (loading.get(id) ?? Promise.resolve()).catch(() => undefined).then(() => loadNow(id, choice, onProgress));
      loading.set(id, next);
      void next.catch(() => undefined).finally(() => loading.get(id) === next && loading.delete(id));
      return next;
    },

    async unload(id) {
      loaded.get(id)?.worker.kill({ kind: 'cancelled', message: 'unloaded' });
      loaded.delete(id);
      choices.delete(id);
    },

    async predict(id, input, contextLength, numLatents) {
      if (input.length === 0) throw new EngineError('bad-input', 'The input is empty: paste text, drop a file or pick a preset.');
      const { worker, info } = await loadedWorker(id);
      const hub = hubs.get(id);
      if (hub) return hubPredict(id, worker, info, hub.tokenizer, input, contextLength);
      if (info.manifest.userModel && !info.manifest.userModel.byteLevel)
        throw new EngineError('bad-input', `${info.manifest.displayName} is not byte-level: its logits are not over bytes, so it predicts no text here. A sweep measures its latency and memory.`);
      const { n, clippedReason, window, start, M } = modelWindow(info.manifest, input, contextLength, numLatents);
      let r: ReplyOf<'predict'>;
      try {
        r = await worker.call({ type: 'predict', window: window.slice(), numLatents: M });
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

    ...measurement(source),
    peak: (backend, n = 1024) => measurePeak(backend, n, wasmThreads, webgpuImpl, source.provenance),
    ...decoding(loadedWorker, FATAL, (id) => hubs.get(id)?.tokenizer),
    ...attentionView(loadedWorker, FATAL),
    ...recalling(loadedWorker, FATAL),

    cache: { list: listCached, delete: deleteCached, clear: clearCache },
  };
  return engine;
}
