// Page state (zustand) and the actions that call the engine. UI components read slices and call actions.
import { create } from 'zustand';
import type { Manifest } from '../catalog/manifest';
import { encode, looksBinary } from '../engine/tokenizer';
import type { BackendChoice, BackendName, Engine, GpuInfo, LoadedModel, LoadProgress, MeasurePoint, Prediction, SweepProgress } from '../engine/types';
import { presetText, type Preset } from './presets';
import type { SharedState } from './urlCodec';

export interface ModelStatus {
  loaded?: LoadedModel;
  progress?: LoadProgress;
  prediction?: Prediction;
  error?: string;
  busy?: boolean;
}

export interface PageState {
  engine?: Engine;
  manifests: Manifest[];
  gpu?: GpuInfo;
  selected: string[];
  backend: BackendChoice;
  text: string;
  bytes: Uint8Array;
  preset?: Preset;
  inputError?: string;
  inputTouched: boolean; // the user typed or dropped something: a late default preset must not replace it
  context: number;
  latents?: number;
  status: Record<string, ModelStatus>;
  sweepBackends: BackendName[];
  sweepContexts?: number[];
  sweeping: boolean;
  sweepProgress?: SweepProgress;
  points: MeasurePoint[];
  banner?: { kind: 'error' | 'info'; text: string };
  logAxes: boolean;
}

export const MIN_CONTEXT = 256;

export const useStore = create<PageState>(() => ({
  manifests: [],
  selected: [],
  backend: 'wasm',
  text: '',
  bytes: new Uint8Array(0),
  inputTouched: false,
  context: 1024,
  status: {},
  sweepBackends: ['wasm'],
  sweeping: false,
  points: [],
  logAxes: true,
}));

const set = useStore.setState;
const get = useStore.getState;

function patchStatus(id: string, patch: Partial<ModelStatus>) {
  set((s) => ({ status: { ...s.status, [id]: { ...s.status[id], ...patch } } }));
}

export const selectedManifests = (s: PageState) => s.selected.map((id) => s.manifests.find((m) => m.id === id)).filter((m): m is Manifest => !!m);
export const maxSelectedContext = (s: PageState) => Math.max(MIN_CONTEXT, ...selectedManifests(s).map((m) => m.config.maxContext));

export async function init(engine: Engine, shared: SharedState | null, linkError?: string) {
  set({ engine, banner: linkError ? { kind: 'error', text: linkError } : undefined });
  engine.detectWebGPU().then((gpu) => set({ gpu }));
  try {
    const manifests = await engine.listModels();
    set({ manifests });
    if (shared) await applyShared(shared);
    else {
      const defaults = manifests.filter((m) => m.size === 'compare' && (m.family === 'perceiver-ar' || m.family === 'transformer')).map((m) => m.id);
      set({ selected: defaults.length ? defaults : manifests.slice(0, 2).map((m) => m.id) });
      const text = await presetText({ kind: 'heldout' }).catch(() => '');
      if (!get().inputTouched && text) setText(text, { kind: 'heldout' });
    }
  } catch (e) {
    set({ banner: { kind: 'error', text: `Could not read the bundled models: ${(e as Error).message}` } });
  }
}

export async function applyShared(s: SharedState) {
  const known = new Set(get().manifests.map((m) => m.id));
  const unknown = s.models.filter((id) => !known.has(id));
  set({
    selected: s.models.filter((id) => known.has(id)),
    backend: s.backend,
    context: s.context,
    latents: s.latents,
    sweepContexts: s.sweep?.contexts,
    sweepBackends: s.sweep?.backends ?? get().sweepBackends,
    banner: unknown.length ? { kind: 'error', text: `This link names models this page does not have: ${unknown.join(', ')}. They were left out.` } : get().banner,
  });
  if ('preset' in s.input) await choosePreset(s.input.preset);
  else setText(s.input.text);
  if (s.run) await runPredictions();
}

export function setText(text: string, preset?: Preset) {
  set({ text, bytes: encode(text), preset, inputError: text.length ? undefined : 'The input is empty: paste text, drop a file or pick a preset.' });
}

export async function choosePreset(p: Preset) {
  try {
    setText(await presetText(p), p);
  } catch (e) {
    set({ inputError: `Could not load the preset: ${(e as Error).message}` });
  }
}

export async function loadFile(file: File) {
  set({ inputTouched: true });
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length === 0) return set({ inputError: `${file.name} is empty.` });
  if (looksBinary(bytes))
    return set({ inputError: `${file.name} looks like a binary file (NUL bytes or invalid UTF-8), not text. The input was left as it was.` });
  setText(new TextDecoder().decode(bytes));
}

export function toggleModel(id: string) {
  set((s) => ({ selected: s.selected.includes(id) ? s.selected.filter((x) => x !== id) : [...s.selected, id] }));
}

export const touchInput = () => set({ inputTouched: true });
export const setBackend = (backend: BackendChoice) => set({ backend });
export const setContext = (context: number) => set({ context });
export const setLatents = (latents: number | undefined) => set({ latents });
export const setLogAxes = (logAxes: boolean) => set({ logAxes });
export const setSweepBackends = (sweepBackends: BackendName[]) => set({ sweepBackends });
export const dismissBanner = () => set({ banner: undefined });
/** Sweep N = 256, 512, … up to `max` (undefined: each model's own limit). */
export const setSweepMax = (max: number | undefined) => {
  const ns: number[] = [];
  for (let n = MIN_CONTEXT; max && n <= max; n *= 2) ns.push(n);
  set({ sweepContexts: max ? ns : undefined });
};

/** Loads (if needed) and runs every selected model on the last N bytes; each model succeeds or fails alone. */
export async function runPredictions() {
  const { engine, selected, bytes, context, latents, backend } = get();
  if (!engine) return;
  if (bytes.length === 0) return set({ inputError: 'The input is empty: paste text, drop a file or pick a preset.' });
  await Promise.all(
    selected.map(async (id) => {
      patchStatus(id, { busy: true, error: undefined });
      try {
        const loaded = await engine.load(id, backend, (progress) => patchStatus(id, { progress }));
        patchStatus(id, { loaded });
        const prediction = await engine.predict(id, bytes, context, latents);
        patchStatus(id, { prediction, busy: false });
      } catch (e) {
        patchStatus(id, { busy: false, error: (e as Error).message });
      }
    }),
  );
}

let sweepAbort: AbortController | undefined;

export async function runSweep() {
  const { engine, selected, sweepBackends, sweepContexts, latents } = get();
  if (!engine || get().sweeping) return;
  sweepAbort = new AbortController();
  set({ sweeping: true, sweepProgress: { done: 0, total: 0 } });
  try {
    await engine.sweep(
      { modelIds: selected, backends: sweepBackends, contextLengths: sweepContexts, numLatents: latents, measure: { warmupRuns: 1, minRuns: 3, minTimeMs: 300, maxRuns: 20 } },
      (p, sweepProgress) => set((s) => ({ points: [...s.points.filter((q) => !samePoint(q, p)), p], sweepProgress })),
      sweepAbort.signal,
    );
  } catch (e) {
    set({ banner: { kind: 'error', text: `The sweep stopped: ${(e as Error).message}` } });
  } finally {
    set({ sweeping: false });
  }
}

const samePoint = (a: MeasurePoint, b: MeasurePoint) =>
  a.modelId === b.modelId && a.backend === b.backend && a.contextLength === b.contextLength && a.numLatents === b.numLatents;

export const stopSweep = () => sweepAbort?.abort();
export const clearPoints = () => set({ points: [] });

/** The state a share link carries. Text is included only when the input is not a preset. */
export function sharedState(run: boolean): SharedState {
  const s = get();
  return {
    v: 1,
    models: s.selected,
    backend: s.backend,
    context: s.context,
    latents: s.latents,
    input: s.preset ? { preset: s.preset } : { text: s.text },
    sweep: { contexts: s.sweepContexts, backends: s.sweepBackends },
    run,
  };
}
