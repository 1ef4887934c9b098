// The page around the models: the engine, the bundled models, the WebGPU adapter, the banner; the settings'
// setters; what happens when the page opens.
import type { Manifest } from '../catalog/manifest';
import type { BackendChoice, Engine, GpuInfo } from '../engine';
import { applyShared } from './sharing';
import type { SharedState } from './shared';
import { get, set, type PageState } from './store';

/** How the engine runs sessions: the WebGPU EP build, and WASM threads (absent: the engine's default). */
export interface EngineSettings {
  webgpuImpl: 'jsep' | 'native';
  wasmThreads?: number;
}

export interface PageSlice {
  engine?: Engine;
  engineSettings: EngineSettings;
  makeEngine?: (s: EngineSettings) => Engine; // absent: the settings cannot be changed (tests)
  ready: boolean; // models listed and any link applied: from here on the URL follows the state
  manifests: Manifest[];
  gpu?: GpuInfo;
  banner?: { kind: 'error' | 'info'; text: string };
  logAxes: boolean;
}

export function pageInitial(): PageSlice {
  return { ready: false, manifests: [], logAxes: true, engineSettings: { webgpuImpl: 'jsep' } };
}

export async function init(engine: Engine, shared: SharedState | null, linkError?: string, makeEngine?: PageSlice['makeEngine']) {
  set({ engine, makeEngine, banner: linkError ? { kind: 'error', text: linkError } : undefined });
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
  await get().restoreUserModels(); // before a link, which may name one of them
  if (shared) return applyShared(shared);
  const manifests = get().manifests;
  const defaults = manifests.filter((m) => m.defaultSelected).map((m) => m.id);
  set({ selected: defaults.length ? defaults : manifests.slice(0, 2).map((m) => m.id), ready: true });
  get().preloadModels();
  await get().loadDefaultInput();
}

export function toggleModel(id: string) {
  const adding = !get().selected.includes(id);
  set((s) => ({ selected: adding ? [...s.selected, id] : s.selected.filter((x) => x !== id) }));
  if (adding) get().preloadModels([id]);
}

export const setBackend = (backend: BackendChoice) => set({ backend });
export const setContext = (context: number) => set({ context });
export const setLatents = (latents: number | undefined) => set({ latents });
export const setLogAxes = (logAxes: boolean) => set({ logAxes });
export const setBanner = (banner: PageState['banner']) => set({ banner });
export const dismissBanner = () => set({ banner: undefined });

/**
 * Another WebGPU build or WASM thread count: a new engine (sessions are created with these settings), the old one's
 * workers ended, the selected models loaded again.
 */
export async function setEngineSettings(engineSettings: EngineSettings) {
  const { engine, makeEngine, status } = get();
  if (!makeEngine) return;
  await Promise.all(Object.keys(status).map((id) => engine?.unload(id)));
  set((s) => ({
    engine: makeEngine(engineSettings),
    engineSettings,
    status: Object.fromEntries(Object.entries(s.status).map(([id, st]) => [id, { ...st, loaded: undefined }])),
  }));
  get().preloadModels();
}
