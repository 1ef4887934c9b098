// Which Hub repos the playground can run, and how: the ONNX graphs and precision variants in a repo's file list, the
// repo's kind from its config.json, and a decoder graph's layout from its input and output names (Optimum's and
// transformers.js's). Pure: file lists, configs and graph I/O in; a layout, or a refusal in words, out.
import type { OnnxTensorInfo } from './onnxGraph';

/** A file of a repo, as its listing gives it (size and hashes where the Hub has them). */
export interface RepoFile {
  path: string;
  size?: number;
  sha256?: string; // LFS files: the content's sha256 (the Hub's lfs.oid, also its ETag)
  gitOid?: string; // the git blob id (sha1 of "blob <size>\0" + content): small files
}

/** transformers.js's precision names and their file-name suffixes (utils/dtypes.js DEFAULT_DTYPE_SUFFIX_MAPPING). */
export const DTYPE_SUFFIX = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
  q2: '_q2',
  q2f16: '_q2f16',
  q1: '_q1',
  q1f16: '_q1f16',
} as const;
export type Dtype = keyof typeof DTYPE_SUFFIX;
/** fp16 arithmetic (the f16 variants) needs the WebGPU adapter's shader-f16 feature. */
export const needsF16 = (d: Dtype) => d === 'fp16' || d.endsWith('f16');

/** One graph file in one precision, with the external data files it reads. */
export interface GraphVariant {
  graph: string; // the graph's base name: model, decoder_model_merged, decoder_with_past_model, encoder_model, ...
  dtype: Dtype;
  file: RepoFile;
  data: RepoFile[]; // `<file>_data`, `<file>_data_1`, ... (Optimum's and transformers.js's names), in order
  bytes: number; // the graph and its data (0 where the listing gave no sizes)
}

// Longest suffix first, so _q4f16 is not read as _q4 of a graph called "model_...f16".
const SUFFIXES = (Object.entries(DTYPE_SUFFIX) as [Dtype, string][]).filter(([, s]) => s).sort((a, b) => b[1].length - a[1].length);

function splitName(base: string): { graph: string; dtype: Dtype } {
  for (const [dtype, s] of SUFFIXES) if (base.endsWith(s)) return { graph: base.slice(0, -s.length), dtype };
  return { graph: base, dtype: 'fp32' };
}

/** Every .onnx graph in the repo's onnx/ folder (or its root), with precision, external data and size. */
export function graphVariants(files: RepoFile[]): GraphVariant[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const out: GraphVariant[] = [];
  for (const f of files) {
    const m = /^(?:(onnx)\/)?([^/]+)\.onnx$/.exec(f.path);
    if (!m) continue;
    const data: RepoFile[] = [];
    for (let i = 0; byPath.has(`${f.path}_data${i ? `_${i}` : ''}`); i++) data.push(byPath.get(`${f.path}_data${i ? `_${i}` : ''}`)!);
    const bytes = [f, ...data].reduce((s, x) => s + (x.size ?? 0), 0);
    out.push({ ...splitName(m[2]), file: f, data, bytes });
  }
  // onnx/ first (transformers.js's folder), then by graph and precision
  return out.sort((a, b) => Number(!a.file.path.startsWith('onnx/')) - Number(!b.file.path.startsWith('onnx/')) || a.file.path.localeCompare(b.file.path));
}

/** Decoder graphs in order of preference: transformers.js's decoder-only `model`, then Optimum's merged decoder,
 * its with-past decoder (drives a cache from empty past tensors), then the decoder without past inputs. */
export const DECODER_GRAPHS = ['model', 'decoder_model_merged', 'decoder_with_past_model', 'decoder_model'];

export type RefusalKind =
  | 'not-found' // no such repo or revision (the Hub answers 401 for both without a sign-in)
  | 'private' // the Hub wants a sign-in
  | 'no-onnx'
  | 'no-decoder'
  | 'encoder-decoder'
  | 'vision'
  | 'inputs' // the graph takes inputs the page cannot feed
  | 'too-large' // over the wasm32 limit on WASM
  | 'buffer-limit' // a tensor over the WebGPU adapter's buffer limit
  | 'precision' // fp16 without shader-f16
  | 'network'
  | 'corrupt'
  | 'tokenizer';

export interface Refusal {
  kind: RefusalKind;
  message: string; // plain words: what is wrong and what the person can do
  detail?: string; // the raw error or the names involved
}

/** A size in words: 512 KiB, 3.4 MiB, 96 MiB, 1.25 GiB. */
export function sizeText(n: number): string {
  const [unit, div] = n >= 2 ** 30 ? ['GiB', 2 ** 30] : n >= 2 ** 20 ? ['MiB', 2 ** 20] : ['KiB', 2 ** 10];
  const x = n / div;
  return `${x.toFixed(unit === 'GiB' ? 2 : x < 10 ? 1 : 0)} ${unit}`;
}

export const refusal = (kind: RefusalKind, message: string, detail?: string): Refusal => ({ kind, message, detail });

const VISION_TYPES = /vit|clip|siglip|dino|swin|convnext|resnet|yolo|detr|sam|segformer|beit|deit|mobilenet|efficientnet|llava|idefics|smolvlm|paligemma|florence|moondream|qwen2_vl|qwen2_5_vl|pixtral|mllama|gemma3$/;

/**
 * The repo's kind from its config.json and graph names, before any graph is read: an encoder-decoder, a vision or
 * vision-language model, no ONNX at all, or no decoder graph among its ONNX files. Undefined: it may be a decoder.
 */
export function repoRefusal(repo: string, config: Record<string, unknown> | undefined, variants: GraphVariant[]): Refusal | undefined {
  const type = String(config?.model_type ?? '');
  const graphs = new Set(variants.map((v) => v.graph));
  if (variants.length === 0)
    return refusal('no-onnx', `${repo} has no ONNX files (the playground runs onnx/model.onnx or onnx/decoder_model_merged.onnx, as transformers.js does). Look for an ONNX export of this model, e.g. under onnx-community/.`);
  if (config?.is_encoder_decoder === true || graphs.has('encoder_model'))
    return refusal('encoder-decoder', `${repo} is an encoder-decoder model (${type || 'encoder_model.onnx'}): the playground measures decoder-only language models, whose context is one sequence of tokens.`);
  if (config?.vision_config || graphs.has('vision_encoder') || VISION_TYPES.test(type))
    return refusal('vision', `${repo} is a vision${graphs.has('vision_encoder') || config?.text_config ? '-language' : ''} model (${type || 'vision_encoder.onnx'}): the playground measures text decoders only.`);
  if (!DECODER_GRAPHS.some((g) => graphs.has(g)))
    return refusal('no-decoder', `${repo} has ONNX files (${[...graphs].join(', ')}) but no decoder among them (model.onnx or decoder_model_merged.onnx).`);
  return undefined;
}

/** The decoder graph for a precision: the preferred graph name that exists in it. */
export function decoderVariant(variants: GraphVariant[], dtype: Dtype): GraphVariant | undefined {
  for (const g of DECODER_GRAPHS) {
    const v = variants.find((x) => x.graph === g && x.dtype === dtype);
    if (v) return v;
  }
  return undefined;
}

/** The precisions a repo offers for its decoder, each with its download size. */
export function decoderPrecisions(variants: GraphVariant[]): { dtype: Dtype; variant: GraphVariant }[] {
  const dtypes = [...new Set(variants.map((v) => v.dtype))];
  const order = Object.keys(DTYPE_SUFFIX);
  return dtypes
    .sort((a, b) => order.indexOf(a) - order.indexOf(b))
    .flatMap((dtype) => {
      const variant = decoderVariant(variants, dtype);
      return variant ? [{ dtype, variant }] : [];
    });
}

/** How the engine drives a decoder graph: the names it feeds and reads, and its cache. */
export interface DecoderLayout {
  /** with-past: past_key_values.* in, present.* out (first call: empty past); merged: the same plus use_cache_branch;
   * no-cache: logits only, each forward over the whole window. */
  kind: 'with-past' | 'merged' | 'no-cache';
  inputIds: string;
  idsType: 'int64' | 'int32';
  attentionMask?: string; // [batch, past + new]: all ones
  positionIds?: string; // [batch, new]: past, past + 1, ...
  useCacheBranch?: string;
  numLogitsToKeep?: string; // scalar: 1 for the last row, 0 for all
  logits: string;
  vocabSize?: number;
  layers: { past: [string, string]; present: [string, string] }[]; // key, value
  cacheType?: 'float32' | 'float16';
  kvHeads?: number; // from the graph's dims, else config
  headDim?: number;
  describe: string; // in words, for the page
}

const fixed = (d: number | string | undefined) => (typeof d === 'number' && d > 0 ? d : undefined);
const show = (t: OnnxTensorInfo) => `${t.name} ${t.dtype} [${t.dims.map((d) => (d === '' ? '?' : d)).join(', ')}]`;

/**
 * The layout of a decoder graph from its inputs and outputs (names as Optimum exports them), or why the page cannot
 * drive it. `config` fills in what the graph's dims leave symbolic (key-value heads, head size).
 */
export function decoderLayout(io: { inputs: OnnxTensorInfo[]; outputs: OnnxTensorInfo[] }, config?: Record<string, unknown>): DecoderLayout | Refusal {
  const byName = new Map(io.inputs.map((t) => [t.name, t]));
  const names = io.inputs.map((t) => t.name);
  const list = (ts: OnnxTensorInfo[]) => ts.map(show).join('; ');
  if (byName.has('pixel_values')) return refusal('vision', 'This graph reads images (pixel_values): the playground measures text decoders only.', list(io.inputs));
  if (names.some((n) => n.startsWith('encoder_')) || names.some((n) => /^past_key_values\.\d+\.encoder\./.test(n)))
    return refusal('encoder-decoder', "This graph is an encoder-decoder's decoder (it reads encoder_hidden_states): the playground measures decoder-only language models.", list(io.inputs));
  const ids = byName.get('input_ids');
  if (!ids)
    return refusal(
      'inputs',
      byName.has('inputs_embeds')
        ? 'This decoder reads embeddings (inputs_embeds) instead of token ids, as the text half of a vision-language model does: the playground feeds token ids only.'
        : 'This graph has no input_ids input: the playground feeds token ids to a decoder.',
      list(io.inputs),
    );
  if (ids.dtype !== 'int64' && ids.dtype !== 'int32') return refusal('inputs', `Its input_ids are ${ids.dtype}, not integers.`, show(ids));
  const logits = io.outputs.find((t) => t.name === 'logits');
  if (!logits) return refusal('no-decoder', `This graph gives no logits (outputs: ${io.outputs.map((t) => t.name).join(', ')}): it is not a language-model decoder.`, list(io.outputs));
  if (logits.dims.length !== 3) return refusal('inputs', `Its logits are not [batch, sequence, vocabulary].`, show(logits));

  const layers: DecoderLayout['layers'] = [];
  const past = names.filter((n) => n.startsWith('past_key_values.'));
  for (let i = 0; ; i++) {
    const k = `past_key_values.${i}.key`;
    const v = `past_key_values.${i}.value`;
    if (!byName.has(k) && !byName.has(v)) break;
    const pk = `present.${i}.key`;
    const pv = `present.${i}.value`;
    if (!byName.has(k) || !byName.has(v) || !io.outputs.some((t) => t.name === pk) || !io.outputs.some((t) => t.name === pv))
      return refusal('inputs', `Layer ${i}'s cache is incomplete: the page feeds ${k} and ${v} back from ${pk} and ${pv}.`, list(io.inputs));
    layers.push({ past: [k, v], present: [pk, pv] });
  }
  const known = new Set(['input_ids', 'attention_mask', 'position_ids', 'use_cache_branch', 'num_logits_to_keep', ...layers.flatMap((l) => l.past)]);
  const unknown = io.inputs.filter((t) => !known.has(t.name));
  if (unknown.length || past.length !== 2 * layers.length)
    return refusal(
      'inputs',
      `This graph takes inputs the playground cannot feed: ${unknown.map((t) => t.name).join(', ') || past.join(', ')}. It feeds input_ids, attention_mask, position_ids, past_key_values.{i}.key/value (and use_cache_branch, num_logits_to_keep).`,
      list(unknown.length ? unknown : io.inputs),
    );
  const cache = layers.length ? byName.get(layers[0].past[0])! : undefined;
  if (cache && cache.dims.length !== 4)
    return refusal('inputs', `Its cache tensors are ${cache.dims.length}-dimensional; the page feeds [batch, key-value heads, positions, head size] caches.`, show(cache));
  if (cache && cache.dtype !== 'float32' && cache.dtype !== 'float16')
    return refusal('inputs', `Its cache is ${cache.dtype}; the playground feeds float32 or float16 caches.`, show(cache));
  const useCacheBranch = byName.has('use_cache_branch') ? 'use_cache_branch' : undefined;
  const kind = layers.length === 0 ? 'no-cache' : useCacheBranch ? 'merged' : 'with-past';
  const num = (k: string) => (typeof config?.[k] === 'number' ? (config[k] as number) : undefined);
  const heads = num('num_attention_heads');
  const kvHeads = fixed(cache?.dims[1]) ?? num('num_key_value_heads') ?? heads;
  const headDim = fixed(cache?.dims[3]) ?? num('head_dim') ?? (num('hidden_size') && heads ? num('hidden_size')! / heads : undefined);
  const feeds = ['input_ids', byName.has('attention_mask') && 'attention_mask', byName.has('position_ids') && 'position_ids', useCacheBranch].filter(Boolean).join(', ');
  return {
    kind,
    inputIds: 'input_ids',
    idsType: ids.dtype as 'int64' | 'int32',
    attentionMask: byName.has('attention_mask') ? 'attention_mask' : undefined,
    positionIds: byName.has('position_ids') ? 'position_ids' : undefined,
    useCacheBranch,
    numLogitsToKeep: byName.has('num_logits_to_keep') ? 'num_logits_to_keep' : undefined,
    logits: 'logits',
    vocabSize: fixed(logits.dims[2]) ?? num('vocab_size'),
    layers,
    cacheType: cache?.dtype as DecoderLayout['cacheType'],
    kvHeads,
    headDim,
    describe:
      kind === 'no-cache'
        ? `a decoder without a cache (${feeds} → logits): every token re-reads the whole window`
        : `a decoder with a key-value cache over ${layers.length} layers (${feeds}, past_key_values.* → logits, present.*${
            kvHeads && headDim ? `; ${kvHeads} key-value heads of ${headDim}, ${cache!.dtype}` : ''
          })${kind === 'merged' ? ', merged (use_cache_branch)' : ''}`,
  };
}

export const isRefusal = (x: unknown): x is Refusal => typeof x === 'object' && x !== null && 'kind' in x && 'message' in x && !('layers' in x);

/** Bytes the key-value cache holds at `positions` tokens (exact: 2 tensors per layer, batch 1). */
export function cacheBytes(l: DecoderLayout, positions: number): number | undefined {
  if (l.kind === 'no-cache' || !l.kvHeads || !l.headDim) return l.kind === 'no-cache' ? 0 : undefined;
  return 2 * l.layers.length * l.kvHeads * l.headDim * positions * (l.cacheType === 'float16' ? 2 : 4);
}
