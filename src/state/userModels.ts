// A person's own models: open or drop an .onnx file (and optionally its manifest.json), read its graph, say what it
// cannot be driven with or ask what the graph does not tell, then run it like a bundled model. The file is read in
// the page and kept in this browser's cache; it is never uploaded.
import { ManifestSchema, type Manifest } from '../catalog/manifest';
import { deleteUserModel, type GraphIO, loadUserModels, looksLikeOnnx, manifestOfRecord, MAX_USER_MODEL_BYTES, recognise, type Recognised, saveUserModel, USER_PREFIX, type UserAnswers, type UserModelRecord } from '../engine';
import type { SliceCreator } from './types';

/** A graph read and recognised, waiting for the answers the graph cannot give. */
export interface UserModelDraft {
  fileName: string;
  sha256: string;
  model: Uint8Array;
  io: GraphIO;
  layout: Recognised;
}

export interface UserModelsSlice {
  userDraft?: UserModelDraft;
  userError?: string;
  userBusy: boolean;
  /** Reads the dropped or picked files: one .onnx, and optionally a manifest.json for it. */
  openUserModel(files: (Blob & { name: string })[]): Promise<void>;
  /** The answers for the draft: the manifest is made, the model added, selected and kept in this browser. */
  addUserModel(answers: UserAnswers): Promise<void>;
  cancelUserModel(): void;
  removeUserModel(id: string): Promise<void>;
  /** The models kept from earlier visits, added back when the page opens. */
  restoreUserModels(): Promise<void>;
}

declare module './types' {
  interface PageState extends UserModelsSlice {}
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

export const createUserModelsSlice: SliceCreator<UserModelsSlice> = (set, get) => {
  const fail = (userError: string) => set({ userError, userBusy: false });

  async function addWithManifest(fileName: string, model: Uint8Array, io: GraphIO, manifestFile: Blob & { name: string }) {
    let parsed;
    try {
      parsed = ManifestSchema.safeParse(JSON.parse(await manifestFile.text()));
    } catch (e) {
      return fail(`${manifestFile.name} is not JSON (${(e as Error).message}).`);
    }
    if (!parsed.success)
      return fail(`${manifestFile.name} is not a playground manifest: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
    const m = parsed.data;
    const names = (ts: { name: string }[]) => ts.map((t) => t.name).join(', ');
    if (names(m.graph.inputs) !== names(io.inputs) || names(m.graph.outputs) !== names(io.outputs))
      return fail(`${manifestFile.name} describes another graph: inputs [${names(m.graph.inputs)}] outputs [${names(m.graph.outputs)}]; ${fileName} has inputs [${names(io.inputs)}] outputs [${names(io.outputs)}].`);
    const manifest: Manifest = {
      ...m,
      id: m.id.startsWith(USER_PREFIX) ? m.id : `${USER_PREFIX}${m.id}`,
      step: undefined, // a step graph would be a second file
      userModel: { fileName, byteLevel: m.config.vocabSize === 256, fromManifest: true },
    };
    return register(manifest, model, { manifest });
  }

  async function register(m: Manifest, model: Uint8Array, record: UserModelRecord) {
    get().engine?.addUserModel(m, model);
    await saveUserModel(m.id, record, model).catch(() => undefined); // a browser without the Cache API keeps it for this visit
    set((s) => ({
      manifests: [...s.manifests.filter((x) => x.id !== m.id), m],
      selected: s.selected.includes(m.id) ? s.selected : [...s.selected, m.id],
      userDraft: undefined,
      userError: undefined,
      userBusy: false,
      banner: { kind: 'info', text: `${m.displayName} is added and selected. It stays in this browser until you remove it; the file was never uploaded.` },
    }));
  }

  return {
    userBusy: false,

    async openUserModel(files) {
      const { engine } = get();
      if (!engine) return;
      const manifestFile = files.find((f) => /\.json$/i.test(f.name));
      const file = files.find((f) => f !== manifestFile);
      if (!file) return fail('Pick an .onnx file (and, if you have it, its manifest.json).');
      if (file.size > MAX_USER_MODEL_BYTES)
        return fail(`${file.name} is ${mib(file.size)}; the playground opens models up to ${MAX_USER_MODEL_BYTES / 2 ** 20} MiB (the graph and its session must fit in the browser's WebAssembly memory). Nothing was loaded.`);
      set({ userBusy: true, userError: undefined, userDraft: undefined });
      const model = new Uint8Array(await file.arrayBuffer());
      if (!looksLikeOnnx(model)) return fail(`${file.name} is not an ONNX model: it does not begin like one (an ONNX file is a protobuf ModelProto). Nothing was loaded.`);
      let io: GraphIO;
      try {
        io = await engine.inspect(model);
      } catch (e) {
        return fail(`${file.name} could not be loaded on WASM, so its graph cannot be read: ${(e as Error).message}`);
      }
      const sha256 = await sha256Hex(model);
      if (manifestFile) return addWithManifest(file.name, model, io, manifestFile);
      const layout = recognise(io);
      if ('problem' in layout) return fail(`${file.name} cannot be run here: ${layout.problem}`);
      set({ userBusy: false, userDraft: { fileName: file.name, sha256, model, io, layout } });
    },

    async addUserModel(answers) {
      const d = get().userDraft;
      if (!d) return;
      const { vocabSize, maxContext, byteLevel, latents } = answers;
      if (!Number.isInteger(vocabSize) || vocabSize < 1) return fail('The vocabulary size must be a whole number of at least 1.');
      if (d.layout.vocabSize !== undefined && vocabSize !== d.layout.vocabSize) return fail(`The graph's logits have ${d.layout.vocabSize} entries: the vocabulary size must be ${d.layout.vocabSize}.`);
      if (byteLevel && vocabSize !== 256) return fail(`A byte-level model has one logit per byte value, 256; this one has ${vocabSize}. Untick byte-level to measure its latency and memory.`);
      if (!Number.isInteger(maxContext) || maxContext < 1 || maxContext > 1 << 20) return fail('The maximum context must be a whole number from 1 to 1,048,576.');
      if (d.layout.takesLatents && (!Number.isInteger(latents) || latents! < 1)) return fail('The number of latents M must be a whole number of at least 1.');
      const record: UserModelRecord = { fileName: d.fileName, sha256: d.sha256, bytes: d.model.length, io: d.io, answers };
      return register(manifestOfRecord(record)!, d.model, record);
    },

    cancelUserModel: () => set({ userDraft: undefined, userError: undefined }),

    async removeUserModel(id) {
      await get().engine?.removeUserModel(id);
      await deleteUserModel(id).catch(() => undefined);
      set((s) => {
        const { [id]: _gone, ...status } = s.status;
        void _gone;
        return { manifests: s.manifests.filter((m) => m.id !== id), selected: s.selected.filter((x) => x !== id), status };
      });
    },

    async restoreUserModels() {
      const kept = await loadUserModels().catch(() => []);
      for (const { manifest, model } of kept) get().engine?.addUserModel(manifest, model);
      if (kept.length) set((s) => ({ manifests: [...s.manifests, ...kept.map((k) => k.manifest).filter((m) => !s.manifests.some((x) => x.id === m.id))] }));
    },
  };
};
