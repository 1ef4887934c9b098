// Page state (zustand) and the actions that call the engine. UI components read slices and call actions.
import { create } from 'zustand';
import type { Manifest } from '../catalog/manifest';
import { encode, looksBinary } from '../engine/tokenizer';
import type {
  BackendChoice,
  BackendName,
  Engine,
  FailureKind,
  GpuInfo,
  LoadedModel,
  LoadProgress,
  MeasureOptions,
  MeasurePoint,
  Prediction,
  SweepProgress,
} from '../engine/types';
import { presetText, type Preset } from './presets';
import { MAX_SHARED_POINTS, type SharedState } from './urlCodec';

export interface ModelStatus {
  loaded?: LoadedModel;
  progress?: LoadProgress;
  prediction?: Prediction;
  /** The input the prediction was computed on: panels draw these bytes, not whatever the input is now. */
  predictedOn?: Uint8Array;
  error?: string;
  errorKind?: FailureKind;
  busy?: boolean;
}

export interface PageState {
  engine?: Engine;
  ready: boolean; // models listed and any link applied: from here on the URL follows the state
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
  shareResults: boolean; // share links carry the sweep results too
  linkNote?: string; // why the address bar's link leaves something out
  banner?: { kind: 'error' | 'info'; text: string };
  logAxes: boolean;
}

export const MIN_CONTEXT = 256;
export const MAX_FILE_BYTES = 8 * 2 ** 20; // a bigger file would make the textarea crawl; no model reads past 64 KiB
export const EMPTY_INPUT = 'The input is empty: paste text, drop a file or pick a preset.';
/** Sweep measurement policy: short, so a sweep over a dozen points stays interactive. */
export const SWEEP_MEASURE: MeasureOptions = { warmupRuns: 1, minRuns: 3, minTimeMs: 300, maxRuns: 20 };

const initial = (): PageState => ({
  ready: false,
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
  shareResults: false,
  logAxes: true,
});

export const useStore = create<PageState>(initial);

const set = useStore.setState;
const get = useStore.getState;

/** Back to a fresh page (tests). */
export function resetStore() {
  runSeq.clear();
  chains.clear();
  set(initial(), true);
}

function patchStatus(id: string, patch: Partial<ModelStatus>) {
  set((s) => ({ status: { ...s.status, [id]: { ...s.status[id], ...patch } } }));
}

export const selectedManifests = (s: PageState) =>
  s.selected.map((id) => s.manifests.find((m) => m.id === id)).filter((m): m is Manifest => !!m);
export const maxSelectedContext = (s: PageState) => Math.max(MIN_CONTEXT, ...selectedManifests(s).map((m) => m.config.maxContext));
/** A prediction drawn from an earlier input or N than the page shows now. */
export const isStale = (s: PageState, id: string) => {
  const st = s.status[id];
  return !!st?.prediction && (st.predictedOn !== s.bytes || st.prediction.requestedContext !== s.context);
};

export async function init(engine: Engine, shared: SharedState | null, linkError?: string) {
  set({ engine, banner: linkError ? { kind: 'error', text: linkError } : undefined });
  engine.detectWebGPU().then(
    (gpu) => set({ gpu }),
    (e) => set({ gpu: { available: false, reason: String(e), isFallbackAdapter: false, vendor: '', architecture: '', description: '', features: [], limits: { maxBufferSize: 0, maxStorageBufferBindingSize: 0 } } }),
  );
  try {
    const manifests = await engine.listModels();
    set({ manifests });
  } catch (e) {
    set({ ready: true, banner: { kind: 'error', text: `Could not read the bundled models: ${(e as Error).message}` } });
    return;
  }
  if (shared) return applyShared(shared);
  const manifests = get().manifests;
  const defaults = manifests.filter((m) => m.size === 'compare' && (m.family === 'perceiver-ar' || m.family === 'transformer')).map((m) => m.id);
  set({ selected: defaults.length ? defaults : manifests.slice(0, 2).map((m) => m.id), ready: true });
  await loadDefaultInput();
}

/** The held-out sample, unless the user already typed or dropped something while it was on its way. */
async function loadDefaultInput() {
  const text = await presetText({ kind: 'heldout' }).catch(() => '');
  if (!get().inputTouched && text) setText(text, { kind: 'heldout' });
}

/** Applies a decoded share link: settings first, then the input, then (run) the models. */
export async function applyShared(s: SharedState) {
  const known = new Set(get().manifests.map((m) => m.id));
  const unknown = s.models.filter((id) => !known.has(id));
  const notes: string[] = [];
  if (unknown.length) notes.push(`This link names models this page does not have: ${unknown.join(', ')}. They were left out.`);
  if (!s.input) notes.push('This link carries no input (its text was too long to share); the held-out sample is loaded instead.');
  set({
    selected: s.models.filter((id) => known.has(id)),
    backend: s.backend,
    context: s.context,
    latents: s.latents,
    sweepContexts: s.sweep?.contexts,
    sweepBackends: s.sweep?.backends ?? get().sweepBackends,
    ...(s.results ? { points: s.results as MeasurePoint[], shareResults: true } : {}),
    banner: notes.length ? { kind: unknown.length ? 'error' : 'info', text: notes.join(' ') } : get().banner,
  });
  if (!s.input) await loadDefaultInput();
  else if ('preset' in s.input) await choosePreset(s.input.preset);
  else setText(s.input.text);
  set({ ready: true });
  if (s.run) await runPredictions();
}

export function setText(text: string, preset?: Preset) {
  set({ text, bytes: encode(text), preset, inputError: text.length ? undefined : EMPTY_INPUT });
}

export async function choosePreset(p: Preset) {
  try {
    setText(await presetText(p), p);
  } catch (e) {
    set({ inputError: `Could not load the preset: ${(e as Error).message}` });
  }
}

/** A dropped or picked file: text only; anything else leaves the current input as it was. */
export async function loadFile(file: Blob & { name: string }) {
  set({ inputTouched: true });
  if (file.size > MAX_FILE_BYTES)
    return set({ inputError: `${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MiB; the playground reads files up to ${MAX_FILE_BYTES / 2 ** 20} MiB (no model reads more than its last 64 KiB). The input was left as it was.` });
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length === 0) return set({ inputError: `${file.name} is empty. The input was left as it was.` });
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
export const setShareResults = (shareResults: boolean) => set({ shareResults });
export const setSweepBackends = (sweepBackends: BackendName[]) => set({ sweepBackends });
export const setLinkNote = (linkNote: string | undefined) => get().linkNote !== linkNote && set({ linkNote });
export const setBanner = (banner: PageState['banner']) => set({ banner });
export const dismissBanner = () => set({ banner: undefined });
/** Sweep N = 256, 512, … up to `max` (undefined: each model's own limit). */
export const setSweepMax = (max: number | undefined) => {
  const ns: number[] = [];
  for (let n = MIN_CONTEXT; max && n <= max; n *= 2) ns.push(n);
  set({ sweepContexts: max ? ns : undefined });
};

// Runs of one model go one after another; a run that a newer one has superseded before its turn is skipped,
// and a superseded run's late result is dropped (moving the slider fast must not show an older N last).
const runSeq = new Map<string, number>();
const chains = new Map<string, Promise<void>>();

function runModel(engine: Engine, id: string, bytes: Uint8Array, context: number, latents: number | undefined, backend: BackendChoice) {
  const seq = (runSeq.get(id) ?? 0) + 1;
  runSeq.set(id, seq);
  const current = () => runSeq.get(id) === seq;
  patchStatus(id, { busy: true, error: undefined, errorKind: undefined });
  const run = async () => {
    if (!current()) return;
    try {
      const loaded = await engine.load(id, backend, (progress) => current() && patchStatus(id, { progress }));
      if (!current()) return;
      patchStatus(id, { loaded });
      const prediction = await engine.predict(id, bytes, context, latents);
      if (current()) patchStatus(id, { prediction, predictedOn: bytes, busy: false });
    } catch (e) {
      const kind = (e as { kind?: FailureKind }).kind;
      if (current()) patchStatus(id, { busy: false, error: (e as Error).message || String(e), errorKind: kind });
    }
  };
  const next = (chains.get(id) ?? Promise.resolve()).then(run);
  chains.set(id, next);
  return next;
}

/** Loads (if needed) and runs every selected model on the last N bytes; each model succeeds or fails alone. */
export async function runPredictions() {
  const { engine, selected, bytes, context, latents, backend } = get();
  if (!engine) return;
  if (!selected.length) return set({ banner: { kind: 'info', text: 'Pick at least one model to run.' } });
  if (bytes.length === 0) return set({ inputError: EMPTY_INPUT });
  await Promise.all(selected.map((id) => runModel(engine, id, bytes, context, latents, backend)));
}

let sweepAbort: AbortController | undefined;

export async function runSweep() {
  const { engine, selected, sweepBackends, sweepContexts, latents } = get();
  if (!engine || get().sweeping) return;
  if (!selected.length) return set({ banner: { kind: 'info', text: 'Pick at least one model to sweep.' } });
  if (!sweepBackends.length) return set({ banner: { kind: 'info', text: 'Pick at least one backend to sweep.' } });
  const abort = (sweepAbort = new AbortController());
  let measured = 0;
  set({ sweeping: true, sweepProgress: { done: 0, total: 0 } });
  try {
    await engine.sweep(
      { modelIds: selected, backends: sweepBackends, contextLengths: sweepContexts, numLatents: latents, measure: SWEEP_MEASURE },
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
}

export const samePoint = (a: MeasurePoint, b: MeasurePoint) =>
  a.modelId === b.modelId && a.backend === b.backend && a.contextLength === b.contextLength && a.numLatents === b.numLatents;

export const stopSweep = () => sweepAbort?.abort();
export const clearPoints = () => set({ points: [], sweepProgress: undefined });

/** The state a share link carries. Text only when the input is not a preset; results only when asked for. */
export function sharedState(run: boolean, withText = true): SharedState {
  const s = get();
  return {
    v: 1,
    models: s.selected,
    backend: s.backend,
    context: s.context,
    latents: s.latents,
    input: s.preset ? { preset: s.preset } : withText ? { text: s.text } : undefined,
    sweep: { contexts: s.sweepContexts, backends: s.sweepBackends },
    results: s.shareResults && s.points.length ? s.points.slice(0, MAX_SHARED_POINTS) : undefined,
    run: run || undefined,
  };
}
