// Continue: each model's generation (engine.generate), streamed into the store byte by byte, one at a time per
// model and stoppable. Cached generations also join the decode charts as single runs.
import { uncapturable, type FailureKind, type GenerateResult } from '../engine';
import type { GenerationSettings } from './link/fields';
import { decodedContext } from './selectors';
import type { SliceCreator } from './types';

export interface Generation {
  running: boolean;
  cached: boolean;
  promptBytes: number;
  bytes: Uint8Array; // generated so far
  liveBytesPerSec?: number; // decode rate since the first byte, while it streams
  result?: GenerateResult;
  error?: string;
  errorKind?: FailureKind;
}

export interface GenerationSlice {
  generations: Record<string, Generation>;
  decodeRuns: GenerateResult[]; // cached generations for the decode charts: the latest per model, backend and N
  setGeneration(patch: Partial<GenerationSettings>): void;
  /** Continues the input with the model: the prompt is what it reads now (the last N bytes; a model whose positions
   * count from the first byte, all of them). */
  startGeneration(id: string): Promise<void>;
  stopGeneration(id: string): void;
}

declare module './types' {
  interface PageState extends GenerationSlice {}
}


export const createGenerationSlice: SliceCreator<GenerationSlice> = (set, get) => {
  const aborts = new Map<string, AbortController>();
  const patchGeneration = (id: string, patch: Partial<Generation>) =>
    set((s) => ({ generations: { ...s.generations, [id]: { ...s.generations[id], ...patch } } }));
  const addDecodeRun = (r: GenerateResult) => {
    const same = (x: GenerateResult) => x.modelId === r.modelId && x.backend === r.backend && x.stateOn === r.stateOn && !!x.captured === !!r.captured && decodedContext(x) === decodedContext(r);
    set((s) => ({ decodeRuns: [...s.decodeRuns.filter((x) => !same(x)), r] }));
  };

  return {
    generations: {},
    decodeRuns: [],

    setGeneration: (patch) => set((s) => ({ generation: { ...s.generation, ...patch } })),

    async startGeneration(id) {
      const { engine, bytes, context, latents, backend, generation: g, manifests } = get();
      if (!engine || get().generations[id]?.running) return;
      const m = manifests.find((x) => x.id === id);
      // the window the model reads: the last N bytes, or the first N for a model whose positions count from the first
      // byte; a Hub decoder takes the last N tokens of the whole input (the engine tokenizes it), and streams text
      const hub = !!m?.hub;
      const prompt = hub ? bytes : m?.config.window === 'prefix' ? bytes.subarray(0, Math.min(context, bytes.length)) : bytes.subarray(Math.max(0, bytes.length - context));
      let text = '';
      const abort = new AbortController();
      aborts.set(id, abort);
      patchGeneration(id, { running: true, cached: g.cache, promptBytes: prompt.length, bytes: new Uint8Array(0), liveBytesPerSec: undefined, result: undefined, error: undefined, errorKind: undefined });
      const out = new Uint8Array(g.maxBytes);
      let n = 0;
      let firstAt = 0;
      try {
        await engine.load(id, backend);
        // captured steps where the model's step can be (the settings say which cannot, and why, before the run)
        const gpuState = g.gpuState === 'captured' && m && uncapturable(m) ? undefined : g.gpuState;
        const opts = { maxBytes: g.maxBytes, temperature: g.temperature, topK: g.topK, seed: g.seed, cache: g.cache, numLatents: latents, refill: g.refill, contextLength: context, gpuState };
        const r = await engine.generate(
          id,
          prompt,
          opts,
          (p) => {
            if (hub) (text += p.text ?? ''), n++;
            else out[n++] = p.byte;
            if (p.index === 0) firstAt = performance.now();
            const live = n > 1 ? (n - 1) / ((performance.now() - firstAt) / 1000) : undefined;
            patchGeneration(id, { bytes: hub ? new TextEncoder().encode(text) : out.slice(0, n), liveBytesPerSec: live });
          },
          abort.signal,
        );
        patchGeneration(id, { running: false, bytes: r.bytes, result: r });
        if (r.cached && r.bytes.length > 1) addDecodeRun(r);
      } catch (e) {
        // the bytes that streamed in before the failure stay on show
        patchGeneration(id, { running: false, error: (e as Error).message || String(e), errorKind: (e as { kind?: FailureKind }).kind });
      } finally {
        aborts.delete(id);
      }
    },

    stopGeneration: (id) => aborts.get(id)?.abort(),
  };
};
