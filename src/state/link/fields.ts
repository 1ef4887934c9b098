// What a share link carries, described once. Each entry of SHARED is one link field: its zod schema, the store
// fields that hold it (with a fresh page's values; their types in LinkFields), which of them rewrite the link when
// they change, how to read it from the page and how to apply it from a link. Derived from this table: the link
// schema (SharedStateSchema) and its type, the store's initial link fields (sharedInitial), the serialiser
// (readShared), the applier (applyFields), what the address bar follows (watchedValues) and the validating decoder
// (decodeState). A new link field is one entry (and its store fields in LinkFields); `plain` covers a store field
// that the link holds as it is.
import { z } from 'zod';
import { USER_PREFIX, type BackendChoice, type BackendName } from '../../engine';
import { foreignPatch, LINK_SOURCE } from '../foreign';
import { defaultInput, presetInput, textInput, type InputFields } from '../input';
import { PresetSchema } from '../presets';
import type { PageState } from '../types';
import { decodeFragment, encodeFragment, MAX_STATE_BYTES } from './codec';
import { Backend, Context, ModelId, PointSchema, ProfileSchema, type ProfileResult } from '../points';
import { heldoutText } from '../presets';
import { RECALL_DEFAULTS, RecallSettingsSchema, TRADEOFF_DEFAULTS, TradeoffSchema, type RecallSettings, type TradeoffSettings } from '../recallData';
import { cellsFromLink, linkCells, RecallCellSchema } from '../recallLink';
import type { HubModelRef } from '../hub';

export const MAX_SHARED_POINTS = 400;
export const MAX_SHARED_PROFILES = 48;

/** A change to the store: an object, or a function of the state at the time it is set. */
export type Patch = Partial<PageState> | ((s: PageState) => Partial<PageState>);
/** What applying a link has to tell the person (unknown models, a missing input). */
export interface LinkNote {
  kind: 'error' | 'info';
  text: string;
}

/** Continue's settings (generation slice, engine.generate); `refill` is Perceiver AR's F (absent: the manifest's rule). */
const GenerationSchema = z.object({
  maxBytes: z.number().int().min(1).max(65536),
  temperature: z.number().min(0).max(10),
  topK: z.number().int().min(1).max(256),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  refill: z.number().int().min(1).max(65536).optional(),
  cache: z.boolean(),
  gpuState: z.enum(['gpu', 'uploaded', 'captured']).optional(), // WebGPU, cached: the state in GPU buffers (absent), uploaded every step, or captured steps
});
export type GenerationSettings = z.infer<typeof GenerationSchema>;
export const GENERATION_DEFAULTS: GenerationSettings = { maxBytes: 64, temperature: 0.8, topK: 5, seed: 1, cache: true };

/** The store fields that hold what a link carries: each entry of SHARED below says which are its own. */
export interface LinkFields extends InputFields {
  selected: string[];
  backend: BackendChoice;
  context: number;
  latents: number | undefined;
  sweepContexts: number[] | undefined;
  sweepBackends: BackendName[];
  sweepDecode: boolean;
  generation: GenerationSettings;
  shareResults: boolean;
  profiles: ProfileResult[];
  recall: RecallSettings; // the recall panel's settings
  tradeoff: TradeoffSettings; // the trade-off chart's axes
}

declare module '../types' {
  interface PageState extends LinkFields {}
}

interface ReadOptions {
  withText: boolean;
}

interface SharedProp<S extends z.ZodType, K extends keyof LinkFields> {
  schema: S; // the link field; validated when a link is read
  fields: () => Pick<LinkFields, K>; // the store fields that hold it, with a fresh page's values
  watch: readonly (keyof PageState)[]; // a change to any of these rewrites the address bar's link
  read(s: PageState, o: ReadOptions): z.output<S>;
  /** The store change for a link's value (async: applied after every synchronous one, in table order). */
  apply(v: z.output<S>, s: PageState, note: (n: LinkNote) => void): Patch | Promise<Patch>;
}
const prop = <S extends z.ZodType, K extends keyof LinkFields>(p: SharedProp<S, K>) => p;

/** One store field, kept in the link as it is; a link without it gives a fresh page's value. */
function plain<K extends keyof LinkFields, S extends z.ZodType<LinkFields[K]>>(key: K, schema: S, initial: LinkFields[K]): SharedProp<S, K> {
  return {
    schema,
    fields: () => ({ [key]: initial }) as Pick<LinkFields, K>,
    watch: [key],
    read: (s) => s[key] as z.output<S>, // the store holds what its schema reads: LinkFields[K]
    apply: (v) => ({ [key]: v ?? initial }),
  };
}

const isDefault = (g: GenerationSettings) => (Object.keys(GenerationSchema.shape) as (keyof GenerationSettings)[]).every((k) => g[k] === GENERATION_DEFAULTS[k]);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const HubRef = z.object({ repo: z.string().max(200), revision: z.string().max(200), dtype: z.string().max(16), host: z.string().url().max(300).optional() });

/** A link's Hub models loaded (this browser's cache, else the Hub), then the selection applied with them. */
async function hubModelsFirst(refs: HubModelRef[], ids: string[], s: PageState, note: (n: LinkNote) => void): Promise<Patch> {
  const loaded: string[] = [];
  for (const ref of refs) {
    const id = await s.loadHubRef(ref);
    if (id) loaded.push(id);
    else note({ kind: 'error', text: `This link names ${ref.repo} (${ref.dtype}) from the Hugging Face Hub, which could not be loaded: the Hub panel says why.` });
  }
  const known = new Set(s.manifests.map((m) => m.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) note({ kind: 'error', text: `This link names models this page does not have: ${unknown.join(', ')}. They were left out.` });
  return { selected: [...ids.filter((id) => known.has(id)), ...loaded] };
}

export const SHARED = {
  models: prop({
    // a Hub model travels as where it is (repo, revision, precision, a host other than the Hub's), never its weights
    schema: z.array(z.union([ModelId, HubRef])).max(20),
    fields: () => ({ selected: [] }),
    watch: ['selected', 'hubModels'],
    read: (s) => s.selected.map((id) => s.hubModels[id] ?? id),
    apply(entries, s, note) {
      const refs = entries.filter((e): e is HubModelRef => typeof e !== 'string');
      const ids = entries.filter((e): e is string => typeof e === 'string');
      const known = new Set(s.manifests.map((m) => m.id));
      if (refs.length) return hubModelsFirst(refs, ids, s, note);
      const unknown = ids.filter((id) => !known.has(id));
      const own = unknown.some((id) => id.startsWith(USER_PREFIX)) ? ' A model opened from its sender\'s own file travels only as that file: open it here to run it.' : '';
      if (unknown.length) note({ kind: 'error', text: `This link names models this page does not have: ${unknown.join(', ')}. They were left out.${own}` });
      return { selected: ids.filter((id) => known.has(id)) };
    },
  }),
  backend: plain('backend', z.enum(['auto', 'webgpu', 'wasm']), 'wasm'),
  context: plain('context', Context, 1024),
  latents: plain('latents', z.number().int().min(1).max(65536).optional(), undefined),
  input: prop({
    // omitted: the text (this many bytes) was too long for a link; absent: the link never had an input
    schema: z
      .union([z.object({ preset: PresetSchema }), z.object({ text: z.string().max(MAX_STATE_BYTES) }), z.object({ omitted: z.number().int().nonnegative() })])
      .optional(),
    fields: () => ({ text: '', bytes: new Uint8Array(0), preset: undefined }),
    watch: ['preset', 'text'],
    // text only when the input is not a preset (a preset travels by name)
    read: (s, o) => (s.preset ? { preset: s.preset } : o.withText ? { text: s.text } : { omitted: s.bytes.length }),
    apply(input, _s, note) {
      if (input && 'preset' in input) return presetInput(input.preset);
      if (input && 'text' in input) return textInput(input.text);
      const what = input ? `This link's text (${input.omitted.toLocaleString('en-US')} bytes) was too long to share` : 'This link carries no input';
      note({ kind: 'info', text: `${what}; the held-out sample is loaded instead.` });
      return defaultInput();
    },
  }),
  sweep: prop({
    // decode: false when the sweep leaves cached decoding out (absent: measured, the default)
    schema: z.object({ contexts: z.array(Context).max(32).optional(), backends: z.array(Backend).max(2), decode: z.literal(false).optional() }).optional(),
    fields: () => ({ sweepContexts: undefined, sweepBackends: ['wasm'], sweepDecode: true }),
    watch: ['sweepContexts', 'sweepBackends', 'sweepDecode'],
    read: (s) => ({ contexts: s.sweepContexts, backends: s.sweepBackends, decode: s.sweepDecode ? undefined : (false as const) }),
    apply: (v, s) => ({ sweepContexts: v?.contexts, sweepBackends: v?.backends ?? s.sweepBackends, sweepDecode: v?.decode ?? true }),
  }),
  generation: prop({
    schema: GenerationSchema.optional(), // absent: the defaults
    fields: () => ({ generation: GENERATION_DEFAULTS }),
    watch: ['generation'],
    read: (s) => (isDefault(s.generation) ? undefined : s.generation),
    apply: (v) => ({ generation: v ?? GENERATION_DEFAULTS }),
  }),
  results: prop({
    // only when the person asks for it ("results in link"): this page's points and those it has from elsewhere,
    // each with its provenance. Whoever opens the link sees them all as results from a link, never as their own.
    schema: z.array(PointSchema).max(MAX_SHARED_POINTS).optional(),
    fields: () => ({ shareResults: false }),
    watch: ['shareResults', 'points', 'foreign'],
    read: (s) => {
      const all = s.shareResults ? [...s.points, ...s.foreign.flatMap((f) => f.points)] : [];
      return all.length ? all.slice(0, MAX_SHARED_POINTS) : undefined;
    },
    apply(results, s, note) {
      const others = s.foreign.filter((f) => f.source !== LINK_SOURCE); // a link opened later replaces the last one's
      if (!results?.length) return { foreign: others };
      const patch = foreignPatch(LINK_SOURCE, "This link's results", results, { ...s, foreign: others });
      if (!('refused' in patch)) return { ...patch, shareResults: true };
      note({ kind: 'error', text: patch.refused });
      return { foreign: others };
    },
  }),
  // the recall panel's settings (recall.ts), always; its results like the sweep's, when "results in link" is on
  recall: prop({
    schema: RecallSettingsSchema.optional(),
    fields: () => ({ recall: RECALL_DEFAULTS }),
    watch: ['recall'],
    read: (s) => (same(s.recall, RECALL_DEFAULTS) ? undefined : s.recall), // absent: the defaults
    apply: (v) => ({ recall: v ?? RECALL_DEFAULTS }),
  }),
  recallResults: prop({
    schema: z.array(RecallCellSchema).max(400).optional(),
    fields: () => ({}),
    watch: ['recallCells'], // and shareResults, which the results entry holds (and watches)
    read: (s) => (s.shareResults ? linkCells(s.recallCells) : undefined),
    async apply(cells, s) {
      const others = (x: PageState) => x.recallCells.filter((c) => c.source !== LINK_SOURCE);
      if (!cells?.length) return (x) => ({ recallCells: others(x) });
      const needle = cells.some((c) => c.task === 'needle') ? new TextEncoder().encode(await heldoutText().catch(() => '')) : undefined;
      const r = cellsFromLink(cells, s.manifests, LINK_SOURCE, needle?.length ? needle : undefined);
      // said in the recall panel: a note from an async entry comes after the banner was written
      if ('refused' in r) return (x) => ({ recallCells: others(x), recallMessage: { kind: 'error', text: r.refused } });
      return (x) => ({ recallCells: [...others(x), ...r.cells], shareResults: true });
    },
  }),
  tradeoff: prop({
    schema: TradeoffSchema.optional(),
    fields: () => ({ tradeoff: TRADEOFF_DEFAULTS }),
    watch: ['tradeoff'],
    read: (s) => (same(s.tradeoff, TRADEOFF_DEFAULTS) ? undefined : s.tradeoff),
    apply: (v) => ({ tradeoff: v ?? TRADEOFF_DEFAULTS }),
  }),
  profiles: prop({
    // per-operator profiles (profiling.ts), each with its provenance: shown as measured where they say they were
    schema: z.array(ProfileSchema).max(MAX_SHARED_PROFILES).optional(),
    fields: () => ({ profiles: [] }),
    watch: ['profiles'],
    read: (s) => (s.profiles.length ? s.profiles.slice(0, MAX_SHARED_PROFILES) : undefined),
    apply: (profiles) => ({ profiles: profiles ?? [] }),
  }),
};

type Table = typeof SHARED;
type Key = keyof Table;
const KEYS = Object.keys(SHARED) as Key[];

const schemas = Object.fromEntries(KEYS.map((k) => [k, SHARED[k].schema])) as { [K in Key]: Table[K]['schema'] };
export const SharedStateSchema = z.object({
  v: z.literal(1),
  ...schemas,
  run: z.boolean().optional(), // re-run the models when the link is opened
});
export type SharedState = z.infer<typeof SharedStateSchema>;

// Every store field of LinkFields belongs to an entry: a field that no entry holds fails typecheck here.
type Held = { [K in Key]: keyof ReturnType<Table[K]['fields']> }[Key];
const _everyFieldHeld: Exclude<keyof LinkFields, Held> extends never ? true : never = true;
void _everyFieldHeld;

export const sharedInitial = (): LinkFields => Object.assign({}, ...KEYS.map((k) => SHARED[k].fields()));

/**
 * Every entry as the derived functions below call it, given the link's value for its own key. (TypeScript checks a
 * method's parameters both ways, which is what lets entries of different link values be used as one type here.)
 */
interface Entry {
  watch: readonly (keyof PageState)[];
  read(s: PageState, o: ReadOptions): unknown;
  apply(v: unknown, s: PageState, note: (n: LinkNote) => void): Patch | Promise<Patch>;
}
const ENTRIES: Record<Key, Entry> = SHARED;

/** The link for a page state. */
export function readShared(s: PageState, o: ReadOptions & { run: boolean }): SharedState {
  const out: Record<string, unknown> = { v: 1 };
  for (const k of KEYS) out[k] = ENTRIES[k].read(s, o);
  out.run = o.run || undefined;
  return out as SharedState;
}

/** Store changes for a decoded link, in table order; notes are reported as the entries are applied. */
export const applyFields = (link: SharedState, s: PageState, note: (n: LinkNote) => void): (Patch | Promise<Patch>)[] =>
  KEYS.map((k) => ENTRIES[k].apply(link[k], s, note));

/** The values a link is made from, by reference: when one changes, the link must be written again. */
export const watchedValues = (s: PageState): unknown[] => KEYS.flatMap((k) => ENTRIES[k].watch.map((f) => s[f]));

/** The fragment (without '#') for a link; throws LinkTooLongError (codec.ts) past what a link may carry. */
export const encodeState = (state: SharedState): string => encodeFragment(state);

export type Decoded = { ok: true; state: SharedState } | { ok: false; error: string } | { ok: true; state: null };

/** Reads `location.hash` (with or without '#'), validated against the link schema. No fragment: state null. Never throws. */
export function decodeState(hash: string): Decoded {
  const f = decodeFragment(hash);
  if (!f) return { ok: true, state: null };
  if (!f.ok) return f;
  const parsed = SharedStateSchema.safeParse(f.json);
  if (!parsed.success)
    return {
      ok: false,
      error: `This link has invalid settings, so none were applied: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || 'state'}: ${i.message}`)
        .join('; ')}.`,
    };
  return { ok: true, state: f.run ? { ...parsed.data, run: true } : parsed.data };
}
