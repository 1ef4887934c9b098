// The page around the models: the engine, the bundled models, the WebGPU adapter, the banner; the settings'
// setters; what happens when the page opens.
import type { Manifest } from '../catalog/manifest';
import type { BackendChoice, Engine, GpuInfo } from '../engine';
import type { SliceCreator } from './types';

/** How the engine runs sessions: the WebGPU EP build, and WASM threads (absent: the engine's default). */
export interface EngineSettings {
  webgpuImpl: 'jsep' | 'native';
  wasmThreads?: number;
}

export interface Banner {
  kind: 'error' | 'info';
  text: string;
}

export interface PageSlice {
  engine?: Engine;
  engineSettings: EngineSettings;
  makeEngine?: (s: EngineSettings) => Engine; // absent: the settings cannot be changed (tests)
  ready: boolean; // models listed and any link applied: from here on the URL follows the state
  manifests: Manifest[];
  gpu?: GpuInfo;
  banner?: Banner;
  logAxes: boolean;
  /**
   * Opens the page on `engine`: lists the models, restores a person's own, then opens the link in `hash` (the
   * opening URL's fragment) or, without a readable one, selects the default models and loads the default input.
   */
  init(engine: Engine, hash?: string | null, makeEngine?: PageSlice['makeEngine']): Promise<void>;
  toggleModel(id: string): void;
  setBackend(backend: BackendChoice): void;
  setContext(context: number): void;
  setLatents(latents: number | undefined): void;
  setLogAxes(logAxes: boolean): void;
  setBanner(banner: Banner | undefined): void;
  dismissBanner(): void;
  /**
   * Another WebGPU build or WASM thread count: a new engine (sessions are created with these settings), the old one's
   * workers ended, the selected models loaded again.
   */
  setEngineSettings(engineSettings: EngineSettings): Promise<void>;
}

declare module './types' {
  interface PageState extends PageSlice {}
}

export const createPageSlice: SliceCreator<PageSlice> = (set, get) => ({
  ready: false,
  manifests: [],
  logAxes: true,
  engineSettings: { webgpuImpl: 'jsep' },

  async init(engine, hash, makeEngine) {
    set({ engine, makeEngine, banner: undefined });
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
    if (hash && (await get().openLink(hash))) return;
    const manifests = get().manifests;
    const defaults = manifests.filter((m) => m.defaultSelected).map((m) => m.id);
    set({ selected: defaults.length ? defaults : manifests.slice(0, 2).map((m) => m.id), ready: true });
    get().preloadModels();
    await get().loadDefaultInput();
  },

  toggleModel(id) {
    const adding = !get().selected.includes(id);
    set((s) => ({ selected: adding ? [...s.selected, id] : s.selected.filter((x) => x !== id) }));
    if (adding) get().preloadModels([id]);
  },

  setBackend: (backend) => set({ backend }),
  setContext: (context) => set({ context }),
  setLatents: (latents) => set({ latents }),
  setLogAxes: (logAxes) => set({ logAxes }),
  setBanner: (banner) => set({ banner }),
  dismissBanner: () => set({ banner: undefined }),

  async setEngineSettings(engineSettings) {
    const { engine, makeEngine, status } = get();
    if (!makeEngine) return;
    await Promise.all(Object.keys(status).map((id) => engine?.unload(id)));
    set((s) => ({
      engine: makeEngine(engineSettings),
      engineSettings,
      status: Object.fromEntries(Object.entries(s.status).map(([id, st]) => [id, { ...st, loaded: undefined }])),
    }));
    get().preloadModels();
  },
});
