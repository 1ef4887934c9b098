// Decoders from the Hugging Face Hub (issue 20): a repo id, a Hub URL or a dropped folder opened (its precisions
// listed with their sizes), one precision loaded with progress (files kept in this browser's cache), then the model is
// added and selected like any other. Every refusal is a message in words; nothing else on the page is touched.
// The Hub address (host, path template) is a setting, kept in this browser, as transformers.js's env.remoteHost.
import type { Manifest } from '../catalog/manifest';
import { deleteHubCache, HubError, listHubCache, sha256Hex, type CachedRepo } from '../hub/download';
import { HUGGING_FACE, parseRepoRef, type HubAddress } from '../hub/hubUrl';
import { isRefusal, needsF16, sizeText, type Dtype } from '../hub/layout';
import { hubManifest } from '../hub/manifest';
import { folderSource, hubSource, inspectRepo, loadHubDecoder, sizeRefusal, type DeviceLimits, type RepoSummary } from '../hub/repo';
import type { SliceCreator } from './types';

const ADDRESS_KEY = 'lcp-hub-address';

/** One precision of the opened repo, as the page offers it. */
export interface HubChoice {
  dtype: Dtype;
  bytes: number;
  files: string[];
  problem?: string; // why this device cannot run it (offered, not loadable)
}

export interface HubProgress {
  path: string;
  loaded: number;
  total: number;
  file: number; // 1-based
  files: number;
  fromCache: boolean;
}

/** What a share link carries of a Hub model: where it is, never its weights. */
export interface HubModelRef {
  repo: string;
  revision: string;
  dtype: string;
  host?: string;
}

export interface HubSlice {
  hubAddress: HubAddress;
  hubRepo?: { label: string; repo: string; revision: string; origin: 'hub' | 'folder'; choices: HubChoice[]; describe?: string };
  hubBusy?: string; // what is happening, in words
  hubProgress?: HubProgress;
  hubError?: { message: string; detail?: string };
  hubCached?: CachedRepo[];
  /** The repo id, revision and precision of each Hub model added (by model id): what links carry. */
  hubModels: Record<string, HubModelRef>;
  setHubAddress(a: HubAddress): void;
  /** A repo id ("org/name", "org/name@revision") or a Hub URL. */
  openHubRepo(input: string): Promise<void>;
  /** A folder dropped or picked (the files of a repo). */
  openHubFolder(files: File[]): Promise<void>;
  /** Loads the opened repo's decoder in this precision; returns its model id (undefined when refused). */
  loadHubModel(dtype: Dtype): Promise<string | undefined>;
  /** Loads a Hub model a link names (from this browser's cache, or the Hub). */
  loadHubRef(ref: HubModelRef): Promise<string | undefined>;
  cancelHub(): void;
  refreshHubCache(): Promise<void>;
  deleteHubRepo(repo: string, revision?: string): Promise<void>;
}

function savedAddress(): HubAddress {
  try {
    const a = JSON.parse(localStorage.getItem(ADDRESS_KEY) ?? 'null') as HubAddress | null;
    if (a && typeof a.host === 'string' && typeof a.pathTemplate === 'string' && (a.listing === 'api' || a.listing === 'probe')) return a;
  } catch {
    // no storage (tests) or a bad value: the Hub itself
  }
  return HUGGING_FACE;
}

declare module './types' {
  interface PageState extends HubSlice {}
}

export const createHubSlice: SliceCreator<HubSlice> = (set, get) => {
  let summary: RepoSummary | undefined; // the opened repo (its file source and config), kept out of the store
  let abort: AbortController | undefined;
  const fail = (e: unknown) => {
    const r = e instanceof HubError ? e.refusal : isRefusal(e) ? e : undefined;
    set({ hubBusy: undefined, hubProgress: undefined, hubError: r ? { message: r.message, detail: r.detail } : { message: `The model could not be opened: ${(e as Error).message ?? String(e)}` } });
  };

  /** What this device allows for the chosen backend (WebGPU: its adapter's buffer limit and shader-f16). */
  function limits(): DeviceLimits {
    const { backend, gpu } = get();
    if (backend !== 'webgpu' || !gpu?.available) return { backend: 'wasm' };
    return { backend: 'webgpu', shaderF16: gpu.features.includes('shader-f16'), maxBufferBytes: Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize) };
  }

  function offer(s: RepoSummary) {
    summary = s;
    const l = limits();
    const choices: HubChoice[] = s.precisions.map(({ dtype, variant }) => ({
      dtype,
      bytes: variant.bytes,
      files: [variant.file.path, ...variant.data.map((d) => d.path)],
      problem: sizeRefusal(variant, dtype, l)?.message ?? (needsF16(dtype) && l.backend === 'wasm' ? `${dtype} runs on WebGPU with shader-f16 only; pick WebGPU, or another precision.` : undefined),
    }));
    set({
      hubBusy: undefined,
      hubRepo: { label: `${s.source.ref.repo}${s.source.ref.revision === 'main' || s.source.origin === 'folder' ? '' : `@${s.source.ref.revision}`}`, repo: s.source.ref.repo, revision: s.source.ref.revision, origin: s.source.origin, choices },
      hubError: s.refusal ? { message: s.refusal.message, detail: s.refusal.detail } : choices.length ? undefined : { message: `${s.source.ref.repo} has no decoder graph in any precision.` },
    });
  }

  async function add(s: RepoSummary, dtype: Dtype): Promise<string | undefined> {
    abort?.abort();
    abort = new AbortController();
    const { engine } = get();
    if (!engine) return undefined;
    set({ hubBusy: `Loading ${s.source.ref.repo} (${dtype})…`, hubError: undefined, hubProgress: undefined });
    try {
      const d = await loadHubDecoder(
        s,
        dtype,
        limits(),
        (p) => set({ hubProgress: { path: p.path, loaded: p.loadedBytes, total: p.totalBytes, file: p.fileIndex + 1, files: p.files, fromCache: p.fromCache } }),
        abort.signal,
      );
      const host = s.source.address?.host;
      const m: Manifest = await hubManifest(d, await sha256Hex(d.graph), host);
      engine.addHubModel(m, { graph: d.graph, externalData: d.externalData }, d.tokenizer);
      set((st) => ({
        manifests: [...st.manifests.filter((x) => x.id !== m.id), m],
        selected: st.selected.includes(m.id) ? st.selected : [...st.selected, m.id],
        hubModels: s.source.origin === 'hub' ? { ...st.hubModels, [m.id]: { repo: d.ref.repo, revision: d.ref.revision, dtype, host: m.hub?.host } } : st.hubModels,
        hubBusy: undefined,
        hubProgress: undefined,
        hubRepo: { ...st.hubRepo!, describe: `${d.layout.describe}; ${sizeText(d.bytes)} of weights; its context counts tokens (up to ${m.config.maxContext.toLocaleString('en-US')}).` },
        banner: {
          kind: 'info',
          text: `${m.displayName} is added and selected: N counts its tokens (${d.tokenizer.vocabSize.toLocaleString('en-US')}-token vocabulary). ${s.source.origin === 'hub' ? 'Its files stay in this browser\u2019s cache until you delete them.' : 'The folder was read here; nothing was uploaded.'}`,
        },
      }));
      get().preloadModels([m.id]);
      void get().refreshHubCache();
      return m.id;
    } catch (e) {
      if (abort.signal.aborted) return set({ hubBusy: undefined, hubProgress: undefined }), undefined;
      fail(e);
      void get().refreshHubCache();
      return undefined;
    }
  }

  return {
    hubAddress: savedAddress(),
    hubModels: {},

    setHubAddress(a) {
      const host = a.host.trim();
      set({ hubAddress: { ...a, host: host.endsWith('/') ? host : `${host}/` } });
      try {
        localStorage.setItem(ADDRESS_KEY, JSON.stringify(get().hubAddress));
      } catch {
        // kept for this visit
      }
    },

    async openHubRepo(input) {
      const ref = parseRepoRef(input);
      if (isRefusal(ref)) return set({ hubRepo: undefined }), fail(ref);
      const address = ref.host && ref.host !== get().hubAddress.host ? { ...HUGGING_FACE, host: ref.host } : get().hubAddress;
      set({ hubBusy: `Reading ${ref.repo}…`, hubError: undefined, hubRepo: undefined, hubProgress: undefined });
      try {
        offer(await inspectRepo(hubSource(address, ref)));
      } catch (e) {
        fail(e);
      }
    },

    async openHubFolder(files) {
      set({ hubBusy: 'Reading the folder…', hubError: undefined, hubRepo: undefined, hubProgress: undefined });
      try {
        offer(await inspectRepo(folderSource(files)));
      } catch (e) {
        fail(e);
      }
    },

    async loadHubModel(dtype) {
      if (!summary) return undefined;
      const c = get().hubRepo?.choices.find((x) => x.dtype === dtype);
      if (c?.problem) return fail({ kind: 'precision', message: c.problem }), undefined;
      return add(summary, dtype);
    },

    async loadHubRef(ref) {
      const address = ref.host ? { ...HUGGING_FACE, host: ref.host } : get().hubAddress;
      set({ hubBusy: `Reading ${ref.repo}…`, hubError: undefined });
      try {
        const s = await inspectRepo(hubSource(address, { repo: ref.repo, revision: ref.revision }));
        offer(s);
        if (s.refusal) return undefined;
        return await add(s, ref.dtype as Dtype);
      } catch (e) {
        fail(e);
        return undefined;
      }
    },

    cancelHub() {
      abort?.abort();
      summary = undefined;
      set({ hubRepo: undefined, hubError: undefined, hubBusy: undefined, hubProgress: undefined });
    },

    async refreshHubCache() {
      set({ hubCached: await listHubCache().catch(() => []) });
    },

    async deleteHubRepo(repo, revision) {
      await deleteHubCache(repo, revision).catch(() => 0);
      await get().refreshHubCache();
    },
  };
};
