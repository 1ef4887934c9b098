// Predictions: every selected model run on the last N bytes, each succeeding or failing alone.
import { decodingLimit, estimateOf, type BackendChoice, type BackendName, type Engine, type FailureKind, type LoadedModel, type LoadProgress, type MemoryEstimate, type Prediction } from '../engine';
import { refusal } from '../catalog/fit';
import { EMPTY_INPUT } from './input';
import type { PageState, SliceCreator } from './types';

export interface ModelStatus {
  loaded?: LoadedModel;
  progress?: LoadProgress;
  prediction?: Prediction;
  /** The input the prediction was computed on: panels draw these bytes, not whatever the input is now. */
  predictedOn?: Uint8Array;
  error?: string;
  errorKind?: FailureKind;
  /** Set when the page refused to run the forward before running it (the error says why, from the estimate). */
  refusedAt?: { n: number; backend: BackendName };
  busy?: boolean;
}

/** The time of one prediction at the N it used: drawn next to sweep medians, marked as one run, not a median. */
export interface SingleRun {
  modelId: string;
  backend: BackendName;
  contextLength: number;
  numLatents?: number;
  latencyMs: number;
  estimate: MemoryEstimate;
  /** The first run of this model at this N (and backend, M) on the page: allocation and any kernel compilation
   * for a new shape are in its time, so it is drawn apart from warm runs. */
  first?: boolean;
}

export interface RunsSlice {
  status: Record<string, ModelStatus>;
  singles: SingleRun[]; // the latest run per model, backend, N and latents
  /**
   * Creates the selected models' sessions before the first Run, so that pressing it only predicts. A failure here is
   * left for Run to report (it loads again and shows why).
   */
  preloadModels(ids?: string[]): void;
  /** Loads (if needed) and runs every selected model on the last N bytes; each model succeeds or fails alone. */
  runPredictions(): Promise<void>;
}

declare module './types' {
  interface PageState extends RunsSlice {}
}

/** A prediction drawn from an earlier input or N than the page shows now. */
export const isStale = (s: PageState, id: string) => {
  const st = s.status[id];
  return !!st?.prediction && (st.predictedOn !== s.bytes || st.prediction.requestedContext !== s.context);
};

export const createRunsSlice: SliceCreator<RunsSlice> = (set, get) => {
  const patchStatus = (id: string, patch: Partial<ModelStatus>) => set((s) => ({ status: { ...s.status, [id]: { ...s.status[id], ...patch } } }));

  // Runs of one model go one after another; a run that a newer one has superseded before its turn is skipped,
  // and a superseded run's late result is dropped (moving the slider fast must not show an older N last).
  const runSeq = new Map<string, number>();
  const chains = new Map<string, Promise<void>>();

  function runModel(engine: Engine, id: string, bytes: Uint8Array, context: number, latents: number | undefined, backend: BackendChoice) {
    const seq = (runSeq.get(id) ?? 0) + 1;
    runSeq.set(id, seq);
    const current = () => runSeq.get(id) === seq;
    patchStatus(id, { busy: true, error: undefined, errorKind: undefined, refusedAt: undefined });
    const run = async () => {
      if (!current()) return;
      try {
        const loaded = await engine.load(id, backend, (progress) => current() && patchStatus(id, { progress }));
        if (!current()) return;
        patchStatus(id, { loaded });
        // a forward that cannot fit the backend it would run on is refused here, in words, not run into a runtime error
        const m = loaded.manifest;
        const n = Math.min(context, m.config.maxContext, bytes.length);
        const gpu = get().gpu;
        const refused = refusal(m, n, { backend: loaded.backend, maxBindingBytes: gpu?.limits.maxStorageBufferBindingSize || undefined }, { numLatents: latents, decodeLimit: decodingLimit(m) });
        if (refused) return patchStatus(id, { busy: false, error: refused.sentence, errorKind: 'over-limit', refusedAt: { n, backend: loaded.backend } });
        const prediction = await engine.predict(id, bytes, context, latents);
        if (!current()) return;
        patchStatus(id, { prediction, predictedOn: bytes, busy: false });
        addSingle(prediction, loaded);
      } catch (e) {
        const kind = (e as { kind?: FailureKind }).kind;
        if (current()) patchStatus(id, { busy: false, error: (e as Error).message || String(e), errorKind: kind });
      }
    };
    const next = (chains.get(id) ?? Promise.resolve()).then(run);
    chains.set(id, next);
    return next;
  }

  function addSingle(p: Prediction, loaded: LoadedModel) {
    const run: SingleRun = {
      modelId: p.modelId,
      backend: p.backend,
      contextLength: p.contextLength,
      numLatents: p.numLatents,
      latencyMs: p.latencyMs,
      estimate: estimateOf(loaded.manifest, p.contextLength, p.numLatents),
    };
    const same = (r: SingleRun) => r.modelId === run.modelId && r.backend === run.backend && r.contextLength === run.contextLength && r.numLatents === run.numLatents;
    set((s) => ({ singles: [...s.singles.filter((r) => !same(r)), { ...run, first: !s.singles.some(same) }] }));
  }

  return {
    status: {},
    singles: [],

    preloadModels(ids = get().selected) {
      const { engine, backend } = get();
      if (!engine) return;
      for (const id of ids)
        if (!get().status[id]?.loaded)
          engine.load(id, backend).then(
            (loaded) => patchStatus(id, { loaded }),
            () => undefined,
          );
    },

    async runPredictions() {
      const { engine, selected, bytes, context, latents, backend } = get();
      if (!engine) return;
      if (!selected.length) return set({ banner: { kind: 'info', text: 'Pick at least one model to run.' } });
      if (bytes.length === 0) return set({ inputError: EMPTY_INPUT });
      await Promise.all(selected.map((id) => runModel(engine, id, bytes, context, latents, backend)));
    },
  };
};
