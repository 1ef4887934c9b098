// Sweeps: every selected model measured over N = 256, 512, …; points arrive one by one and can be stopped.
import type { BackendName, MeasureOptions, MeasurePoint, SweepProgress, SweepSpec } from '../engine';
import { MIN_CONTEXT } from './selectors';
import type { SliceCreator } from './types';

export interface SweepSlice {
  sweeping: boolean;
  sweepProgress?: SweepProgress;
  points: MeasurePoint[];
  setSweepBackends(sweepBackends: BackendName[]): void;
  setSweepDecode(sweepDecode: boolean): void;
  /** Sweep N = 256, 512, … up to `max` (undefined: each model's own limit). */
  setSweepMax(max: number | undefined): void;
  /** Sweeps the selected models and backends over N, or exactly the points of `plan` (`decode`: with cached decoding
   * whatever the sweep's setting, e.g. for the trade-off chart's decode speed). */
  runSweep(plan?: SweepSpec['plan'], decode?: boolean): Promise<void>;
  stopSweep(): void;
  /** Clears this page's measurements: sweep points, the slider's single runs and Continue's decode runs. */
  clearPoints(): void;
}

declare module './types' {
  interface PageState extends SweepSlice {}
}

/** Sweep measurement policy: short, so a sweep over a dozen points stays interactive. */
export const SWEEP_MEASURE: MeasureOptions = { warmupRuns: 1, minRuns: 3, minTimeMs: 300, maxRuns: 20 };

export const samePoint = (a: MeasurePoint, b: MeasurePoint) =>
  a.modelId === b.modelId && a.backend === b.backend && a.contextLength === b.contextLength && a.numLatents === b.numLatents;

export const createSweepSlice: SliceCreator<SweepSlice> = (set, get) => {
  let sweepAbort: AbortController | undefined;
  return {
    sweeping: false,
    points: [],

    setSweepBackends: (sweepBackends) => set({ sweepBackends }),
    setSweepDecode: (sweepDecode) => set({ sweepDecode }),
    setSweepMax(max) {
      const ns: number[] = [];
      for (let n = MIN_CONTEXT; max && n <= max; n *= 2) ns.push(n);
      set({ sweepContexts: max ? ns : undefined });
    },

    async runSweep(plan, decode) {
      const { engine, selected, sweepBackends, sweepContexts, sweepDecode, latents } = get();
      if (!engine || get().sweeping) return;
      if (!plan && !selected.length) return set({ banner: { kind: 'info', text: 'Pick at least one model to sweep.' } });
      if (!plan && !sweepBackends.length) return set({ banner: { kind: 'info', text: 'Pick at least one backend to sweep.' } });
      const abort = (sweepAbort = new AbortController());
      let measured = 0;
      set({ sweeping: true, sweepProgress: { done: 0, total: 0 } });
      try {
        await engine.sweep(
          { modelIds: selected, backends: sweepBackends, contextLengths: sweepContexts, numLatents: latents, measure: SWEEP_MEASURE, plan, decode: decode ?? sweepDecode },
          (p, sweepProgress) => {
            measured++;
            set((s) => ({ points: [...s.points.filter((q) => !samePoint(q, p)), p], sweepProgress }));
          },
          abort.signal,
        );
        if (abort.signal.aborted) set({ banner: { kind: 'info', text: `Sweep stopped; ${measured === 1 ? 'the one point' : `the ${measured} points`} measured before ${measured === 1 ? 'is' : 'are'} kept.` } });
        // points skipped after a model's failure are never reported: the bar still ends full
        else set((s) => ({ sweepProgress: s.sweepProgress && { done: s.sweepProgress.total, total: s.sweepProgress.total } }));
      } catch (e) {
        set({ banner: { kind: 'error', text: `The sweep stopped: ${(e as Error).message}` } });
      } finally {
        set({ sweeping: false });
      }
    },

    stopSweep: () => sweepAbort?.abort(),
    clearPoints: () => set({ points: [], singles: [], decodeRuns: [], sweepProgress: undefined }),
  };
};
