// Per-operator profiles: every selected model at the chosen N, each in a profiling worker of its own (timed runs stay
// unprofiled), and the backend's matrix-multiply peak next to them. The profiles themselves are shared state
// (link/fields.ts `profiles`): a link carries them.
import type { BackendName, PeakPoint, ProfilePoint } from '../engine';
import type { SliceCreator } from './types';

export interface ProfilingSlice {
  profiling: boolean;
  profileProgress?: { done: number; total: number; current?: string };
  profileContexts: number[];
  profileBackend: BackendName;
  profileFailures: Extract<ProfilePoint, { ok: false }>[];
  peaks: PeakPoint[];
  setProfileContexts(profileContexts: number[]): void;
  setProfileBackend(profileBackend: BackendName): void;
  clearProfiles(): void;
  /** Profiles every selected model at every chosen N within its limit, one after another; a failure stays with its point. */
  runProfiles(): Promise<void>;
  stopProfiles(): void;
  /** The backend's MatMul peak (a plain n x n MatMul graph), measured once per backend and kept for the page. */
  measurePeak(backend: BackendName): Promise<void>;
}

declare module './types' {
  interface PageState extends ProfilingSlice {}
}

const same = (a: { modelId: string; backend: string; contextLength: number; numLatents?: number }, b: typeof a) =>
  a.modelId === b.modelId && a.backend === b.backend && a.contextLength === b.contextLength && a.numLatents === b.numLatents;

export const createProfilingSlice: SliceCreator<ProfilingSlice> = (set, get) => {
  let abort: AbortController | undefined;
  return {
    profiling: false,
    profileContexts: [1024, 4096, 8192],
    profileBackend: 'wasm',
    profileFailures: [],
    peaks: [],

    setProfileContexts: (profileContexts) => set({ profileContexts: [...profileContexts].sort((a, b) => a - b) }),
    setProfileBackend: (profileBackend) => set({ profileBackend }),
    clearProfiles: () => set({ profiles: [], profileFailures: [], profileProgress: undefined }),

    async runProfiles() {
      const { engine, selected, manifests, profileContexts, profileBackend, latents } = get();
      if (!engine || get().profiling) return;
      if (!selected.length) return set({ banner: { kind: 'info', text: 'Pick at least one model to profile.' } });
      const plan = selected.flatMap((id) => {
        const limit = manifests.find((m) => m.id === id)?.config.maxContext ?? 0;
        return profileContexts.filter((n) => n <= limit).map((n) => ({ id, n }));
      });
      const signal = (abort = new AbortController()).signal;
      set({ profiling: true, profileProgress: { done: 0, total: plan.length } });
      try {
        for (const [i, { id, n }] of plan.entries()) {
          if (signal.aborted) break;
          set({ profileProgress: { done: i, total: plan.length, current: `${id} at ${n.toLocaleString('en-US')}` } });
          const p = await engine.profile(id, profileBackend, n, { numLatents: latents }, signal);
          if (signal.aborted) break;
          if (p.ok) set((s) => ({ profiles: [...s.profiles.filter((q) => !same(q, p)), p], profileFailures: s.profileFailures.filter((q) => !same(q, p)) }));
          else set((s) => ({ profileFailures: [...s.profileFailures.filter((q) => !same(q, p)), p] }));
        }
      } finally {
        set((s) => ({ profiling: false, profileProgress: s.profileProgress && { done: signal.aborted ? s.profileProgress.done : plan.length, total: plan.length } }));
      }
    },

    stopProfiles: () => abort?.abort(),

    async measurePeak(backend) {
      const { engine } = get();
      if (!engine) return;
      const p = await engine.peak(backend);
      set((s) => ({ peaks: [...s.peaks.filter((q) => q.backend !== backend), p] }));
    },
  };
};
