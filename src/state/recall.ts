// Recall runs: the settings' points (recallData.ts), their probes made once per point from src/tasks, every selected
// model reading them in its worker one after another (one forward, or cached decoding past the forward's limit),
// each probe scored as it streams in. A model that cannot read a point is recorded as such; one that fails keeps
// the probes it read, and the run goes on with the other models; Stop keeps everything read so far.
import { EngineError, encode, recallPlan, type FailureKind } from '../engine';
import { makeProbe, type Probe, type TaskName } from '../tasks';
import { heldoutText } from './presets';
import { recallPoints, sameCell, scoreProbe, settingsProblem, probesOf, THIS_PAGE, type RecallCell, type RecallSettings, type RecallPoint, lengthCurve } from './recallData';
import { selectedManifests } from './selectors';
import type { TradeoffSettings } from './tradeoff';
import type { SliceCreator } from './types';

export interface RecallProgress {
  done: number; // probes read (or skipped because their model could not run)
  total: number;
  current?: { modelId: string; x: number; length: number };
  lastMs?: number; // the last probe's time
}

export interface RecallSlice {
  recallCells: RecallCell[]; // this page's, and those from a link (source)
  recallRunning: boolean;
  recallProgress?: RecallProgress;
  recallMessage?: { kind: 'error' | 'info'; text: string };
  setRecall(patch: (s: RecallSettings) => RecallSettings): void;
  setTradeoff(patch: Partial<TradeoffSettings>): void;
  /** Runs the settings' points on the selected models; `at`: only the point at that probe length of the task's
   * length curve (added to its list when missing), `modelIds`: only those models (the trade-off chart's offer). */
  runRecall(only?: { at?: number; modelIds?: string[] }): Promise<void>;
  stopRecall(): void;
  clearRecall(): void;
  /** A probe made again from its task, parameters and seed (the panel shows its bytes around the needle). */
  recallProbe(task: TaskName, params: Record<string, number>, seed: number): Promise<Probe>;
}

declare module './types' {
  interface PageState extends RecallSlice {}
}

/** The most often a run's probes reach the store (and so the page's tables and charts), in milliseconds. */
const FLUSH_MS = 500;

/** Failures after which longer probes of the same model are not tried (they would fail the same way), in words. */
const GROWS: Partial<Record<FailureKind, string>> = {
  'out-of-memory': 'it ran out of memory',
  'buffer-limit': 'it needed a tensor larger than the GPU allows in one buffer',
  'over-limit': 'it was over its limit',
};

let filler: Promise<Uint8Array> | undefined;
/** The needle's filler, held-out Brown (ASCII: its text and its bytes agree). */
const heldoutBytes = () => (filler ??= heldoutText().then(encode, (e) => ((filler = undefined), Promise.reject(e))));

export const createRecallSlice: SliceCreator<RecallSlice> = (set, get) => {
  let abort: AbortController | undefined;
  const upsert = (cell: RecallCell) => set((s) => ({ recallCells: [...s.recallCells.filter((c) => !sameCell(c, cell)), cell] }));
  const say = (kind: 'error' | 'info', text: string) => set({ recallMessage: { kind, text } });

  return {
    recallCells: [],
    recallRunning: false,

    setRecall: (patch) => set((s) => ({ recall: patch(s.recall) })),
    setTradeoff: (patch) => set((s) => ({ tradeoff: { ...s.tradeoff, ...patch } })),

    async runRecall(only = {}) {
      const { engine, backend } = get();
      if (!engine || get().recallRunning) return;
      let settings = get().recall;
      if (only.at !== undefined) {
        const curve = lengthCurve(settings);
        if (!curve.lengths.includes(only.at)) {
          const key = settings.task === 'mqar' ? 'mqar' : settings.task === 'needle' ? 'needle' : 'mirrored';
          settings = { ...settings, [key]: { ...settings[key], [curve.key]: [...curve.lengths, only.at] } } as RecallSettings;
          if (settings.task === 'mqar') settings = { ...settings, mqar: { ...settings.mqar, axis: 'distance' } };
          set({ recall: settings });
        } else if (settings.task === 'mqar' && settings.mqar.axis !== 'distance') set({ recall: (settings = { ...settings, mqar: { ...settings.mqar, axis: 'distance' } }) });
      }
      const problem = settingsProblem(settings);
      if (problem) return say('error', problem);
      const models = selectedManifests(get()).filter((m) => !only.modelIds || only.modelIds.includes(m.id));
      if (!models.length) return say('info', 'Pick at least one model to run the recall probes on.');
      const points = recallPoints(settings).filter((p) => only.at === undefined || p.length === only.at);
      // what each model can do at each point, decided before anything runs
      const plans = points.map((p) => models.map((m) => recallPlan(m, p.length)));
      if (plans.every((row) => row.every((x) => x instanceof EngineError))) {
        const reasons = [...new Set(plans.flat().map((x) => (x as EngineError).message))];
        return say('error', `None of the selected models can read these probes, so nothing was run: ${reasons.slice(0, 4).join(' ')}${reasons.length > 4 ? ` (and ${reasons.length - 4} more)` : ''}`);
      }
      let text: Uint8Array | undefined;
      if (settings.task === 'needle')
        try {
          text = await heldoutBytes();
        } catch (e) {
          return say('error', `The needle's filler text (held-out Brown) could not be loaded: ${(e as Error).message}. Nothing was run.`);
        }
      const runnable = plans.flat().filter((x) => !(x instanceof EngineError)).length;
      const ctl = (abort = new AbortController());
      set({ recallRunning: true, recallMessage: undefined, recallProgress: { done: 0, total: runnable * settings.probes } });
      const tooBig = new Map<string, { length: number; kind: FailureKind }>(); // model -> the shortest probe it failed for
      let read = 0;
      let failed = 0;
      try {
        for (const [pi, point] of points.entries()) {
          if (ctl.signal.aborted) break;
          let probes: ReturnType<typeof probesOf> | undefined;
          for (const [mi, m] of models.entries()) {
            if (ctl.signal.aborted) break;
            const plan = plans[pi][mi];
            // the backend that will run it (auto: the one the model is loaded on), for a cell recorded before a load
            const base = cellOf(point, m.id, backend === 'auto' ? (get().status[m.id]?.loaded?.backend ?? 'wasm') : backend, settings.probes);
            if (plan instanceof EngineError) {
              upsert({ ...base, failure: { kind: plan.kind, message: plan.message } });
              continue;
            }
            const before = tooBig.get(m.id);
            if (before && before.length <= point.length) {
              upsert({ ...base, failure: { kind: 'skipped', message: `not run: ${GROWS[before.kind]} at ${before.length.toLocaleString('en-US')} bytes, a shorter probe` } });
              progress(settings.probes);
              continue;
            }
            try {
              probes ??= probesOf(point, settings, text);
            } catch (e) {
              upsert({ ...base, failure: { kind: 'bad-input', message: `The probes could not be made: ${(e as Error).message}` } });
              continue;
            }
            set((s) => ({ recallProgress: s.recallProgress && { ...s.recallProgress, current: { modelId: m.id, x: point.x, length: point.length } } }));
            let cell: RecallCell = { ...base, mode: plan.mode, numLatents: plan.numLatents, running: true };
            const scored: RecallCell['probes'] = [];
            // probes stream in faster than the page can redraw: the store takes them at most every FLUSH_MS
            let shown = 0;
            let lastFlush = 0;
            const flush = (force = false) => {
              if (!force && Date.now() - lastFlush < FLUSH_MS) return;
              lastFlush = Date.now();
              upsert({ ...cell, probes: [...scored] });
              progress(scored.length - shown, scored.at(-1)?.ms);
              shown = scored.length;
            };
            try {
              cell = { ...cell, backend: (await engine.load(m.id, backend)).backend };
              upsert(cell);
              const r = await engine.recall(
                m.id,
                probes,
                { k: 5 },
                (p) => {
                  scored.push(scoreProbe(probes![p.index], p.predicted, p.ms, p.top));
                  read++;
                  flush();
                },
                ctl.signal,
              );
              flush(true);
              upsert({ ...cell, mode: r.mode, numLatents: r.numLatents, probes: [...scored], running: false, stopped: r.stopped, memory: r.memory });
              if (!r.stopped) progress(settings.probes - scored.length);
            } catch (e) {
              const kind = ((e as EngineError).kind ?? 'unknown') as FailureKind;
              failed++;
              if (GROWS[kind]) tooBig.set(m.id, { length: point.length, kind });
              flush(true);
              upsert({ ...cell, probes: [...scored], running: false, failure: { kind, message: (e as Error).message || String(e) } });
              progress(settings.probes - scored.length);
            }
          }
        }
        if (ctl.signal.aborted) say('info', `Recall run stopped; the ${read.toLocaleString('en-US')} probe${read === 1 ? '' : 's'} read before ${read === 1 ? 'is' : 'are'} kept.`);
        else if (failed) say('error', `${failed} model${failed === 1 ? '' : 's'} failed at some point (see the table); the other results are kept.`);
      } finally {
        set({ recallRunning: false });
      }

      function progress(n: number, lastMs?: number) {
        set((s) => ({ recallProgress: s.recallProgress && { ...s.recallProgress, done: s.recallProgress.done + n, lastMs: lastMs ?? s.recallProgress.lastMs } }));
      }
    },

    stopRecall: () => abort?.abort(),
    recallProbe: async (task, params, seed) => makeProbe(task, params, seed, task === 'needle' ? await heldoutBytes() : undefined),
    clearRecall: () => set((s) => ({ recallCells: s.recallCells.filter((c) => c.running), recallProgress: undefined, recallMessage: undefined })),
  };
};

const cellOf = (p: RecallPoint, modelId: string, backend: RecallCell['backend'], planned: number): RecallCell => ({
  source: THIS_PAGE,
  modelId,
  backend,
  task: p.task,
  params: p.params,
  x: p.x,
  length: p.length,
  planned,
  probes: [],
  measuredAt: new Date().toISOString(),
});
