// The page around the models: the engine, the bundled models, the WebGPU adapter, the banner; the settings'
// setters; what happens when the page opens.
import type { Manifest } from '../catalog/manifest';
import type { BackendChoice, Engine, GpuInfo } from '../engine/types';
import { loadDefaultInput } from './input';
import { applyShared } from './sharing';
import { restoreUserModels } from './userModels';
import type { SharedState } from './shared';
import { get, set, type PageState } from './store';

export interface PageSlice {
  engine?: Engine;
  ready: boolean; // models listed and any link applied: from here on the URL follows the state
  manifests: Manifest[];
  gpu?: GpuInfo;
  banner?: { kind: 'error' | 'info'; text: string };
  logAxes: boolean;
}

export function pageInitial(): PageSlice {
  return { ready: false, manifests: [], logAxes: true };
}

export const MIN_CONTEXT = 256;

export const selectedManifests = (s: PageState) =>
  s.selected.map((id) => s.manifests.find((m) => m.id === id)).filter((m): m is Manifest => !!m);
export const maxSelectedContext = (s: PageState) => Math.max(MIN_CONTEXT, ...selectedManifests(s).map((m) => m.config.maxContext));

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
  await restoreUserModels(); // before a link, which may name one of them
  if (shared) return applyShared(shared);
  const manifests = get().manifests;
  const defaults = manifests.filter((m) => m.defaultSelected).map((m) => m.id);
  set({ selected: defaults.length ? defaults : manifests.slice(0, 2).map((m) => m.id), ready: true });
  await loadDefaultInput();
}

export function toggleModel(id: string) {
  set((s) => ({ selected: s.selected.includes(id) ? s.selected.filter((x) => x !== id) : [...s.selected, id] }));
}

export const setBackend = (backend: BackendChoice) => set({ backend });
export const setContext = (context: number) => set({ context });
export const setLatents = (latents: number | undefined) => set({ latents });
export const setLogAxes = (logAxes: boolean) => set({ logAxes });
export const setBanner = (banner: PageState['banner']) => set({ banner });
export const dismissBanner = () => set({ banner: undefined });
