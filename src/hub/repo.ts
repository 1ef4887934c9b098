// Opening a Hub decoder: from a repo on the Hub (or a mirror, or a folder served like one) or from a folder the
// person drops, read its file list and config.json, offer its precisions with their sizes, then fetch the chosen
// graph, read its inputs and outputs, refuse what the page cannot run (before the weights are fetched where it
// can), fetch its external data and tokenizer. Everything refused says why in words (layout.ts Refusal).
import { fetchHubFile, HubError, httpRefusal, type FileProgress } from './download';
import { fileUrl, listingUrl, nextPage, type HubAddress, type RepoRef, type TreeEntry } from './hubUrl';
import {
  decoderLayout,
  decoderPrecisions,
  DECODER_GRAPHS,
  DTYPE_SUFFIX,
  graphVariants,
  isRefusal,
  needsF16,
  refusal,
  repoRefusal,
  sizeText,
  type DecoderLayout,
  type Dtype,
  type GraphVariant,
  type Refusal,
  type RepoFile,
} from './layout';
import { readOnnxGraph, type OnnxGraphInfo } from './onnxGraph';
import { loadTokenizer, type HubTokenizer } from './tokenizer';

/** Where a repo's files come from: the Hub (fetched, checked, cached) or a dropped folder (read from disk). */
export interface RepoSource {
  origin: 'hub' | 'folder';
  ref: RepoRef; // a folder: { repo: 'folder/<name>', revision: 'local' }
  address?: HubAddress;
  list(): Promise<RepoFile[]>;
  read(file: RepoFile, onProgress?: (p: FileProgress) => void, signal?: AbortSignal): Promise<Uint8Array>;
}

const CONFIG_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];

/** Files transformers.js would ask a repo for, tried one by one where there is no listing (a mirror, a folder). */
export function probeCandidates(): string[] {
  const graphs = [...DECODER_GRAPHS, 'encoder_model', 'vision_encoder'];
  return [...CONFIG_FILES, ...graphs.flatMap((g) => Object.values(DTYPE_SUFFIX).map((s) => `onnx/${g}${s}.onnx`))];
}

export function hubSource(address: HubAddress, ref: RepoRef, fetchFn: typeof fetch = (...a) => fetch(...a)): RepoSource {
  async function api(): Promise<RepoFile[]> {
    const files: RepoFile[] = [];
    for (let url: string | undefined = listingUrl(address, ref); url; ) {
      let res: Response;
      try {
        res = await fetchFn(url);
      } catch (e) {
        throw new HubError(refusal('network', `Could not reach the Hub at ${address.host} to list ${ref.repo}: check the network or the Hub address.`, String(e)));
      }
      if (!res.ok) throw new HubError(httpRefusal(res.status, res.headers.get('x-error-code'), '', ref));
      const entries = (await res.json()) as TreeEntry[];
      for (const e of entries)
        if (e.type === 'file') files.push({ path: e.path, size: e.lfs?.size ?? e.size, sha256: e.lfs?.oid, gitOid: e.lfs ? undefined : e.oid });
      url = nextPage(res.headers.get('link'));
    }
    return files;
  }
  async function probe(): Promise<RepoFile[]> {
    const head = async (path: string): Promise<RepoFile | undefined> => {
      const res = await fetchFn(fileUrl(address, ref, path), { method: 'HEAD' }).catch(() => undefined);
      if (!res?.ok) {
        if (res && (res.status === 401 || res.status === 403)) throw new HubError(httpRefusal(res.status, res.headers.get('x-error-code'), path, ref));
        return undefined;
      }
      return { path, size: Number(res.headers.get('content-length')) || undefined };
    };
    const found: RepoFile[] = [];
    const queue = probeCandidates();
    await Promise.all(Array.from({ length: 6 }, async () => { for (let p; (p = queue.shift()); ) { const f = await head(p); if (f) found.push(f); } }));
    // external data of the graphs found: <file>_data, <file>_data_1, ...
    for (const g of found.filter((f) => f.path.endsWith('.onnx')))
      for (let i = 0; ; i++) {
        const f = await head(`${g.path}_data${i ? `_${i}` : ''}`);
        if (!f) break;
        found.push(f);
      }
    if (!found.some((f) => f.path === 'config.json')) throw new HubError(httpRefusal(404, null, 'config.json', ref));
    return found.sort((a, b) => a.path.localeCompare(b.path));
  }
  return {
    origin: 'hub',
    ref,
    address,
    list: () => (address.listing === 'api' ? api() : probe()),
    read: async (file, onProgress, signal) => (await fetchHubFile(fileUrl(address, ref, file.path), ref, file, { onProgress, signal })).bytes,
  };
}

/** A dropped folder (the files of a repo's working copy; paths relative to the folder that holds config.json). */
export function folderSource(files: File[]): RepoSource {
  const rel = (f: File) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
  const configPath = files.map(rel).filter((p) => p.split('/').pop() === 'config.json').sort((a, b) => a.length - b.length)[0];
  const prefix = configPath ? configPath.slice(0, -'config.json'.length) : '';
  const byPath = new Map(files.filter((f) => rel(f).startsWith(prefix)).map((f) => [rel(f).slice(prefix.length), f]));
  const name = prefix.replace(/\/$/, '').split('/').pop() || 'dropped';
  return {
    origin: 'folder',
    ref: { repo: `folder/${name}`, revision: 'local' },
    list: async () => [...byPath].map(([path, f]) => ({ path, size: f.size })),
    async read(file, onProgress) {
      const f = byPath.get(file.path);
      if (!f) throw new HubError(refusal('not-found', `The folder has no ${file.path}.`));
      const bytes = new Uint8Array(await f.arrayBuffer());
      onProgress?.({ path: file.path, loadedBytes: bytes.length, totalBytes: bytes.length, fromCache: false });
      return bytes;
    },
  };
}

export interface RepoSummary {
  source: RepoSource;
  files: RepoFile[];
  config: Record<string, unknown>;
  generationConfig?: Record<string, unknown>;
  variants: GraphVariant[];
  precisions: { dtype: Dtype; variant: GraphVariant }[]; // the decoder in each precision, with its size
  refusal?: Refusal; // the repo as a whole cannot run (encoder-decoder, vision, no ONNX, no decoder)
}

async function readJson(source: RepoSource, files: RepoFile[], path: string, onProgress?: (p: FileProgress) => void): Promise<unknown | undefined> {
  const f = files.find((x) => x.path === path);
  if (!f) return undefined;
  const bytes = await source.read(f, onProgress);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new HubError(refusal('corrupt', `${source.ref.repo}'s ${path} is not valid JSON.`, String(e)));
  }
}

/** The repo's files, config and precisions (small files only: no graph is fetched). */
export async function inspectRepo(source: RepoSource): Promise<RepoSummary> {
  const files = await source.list();
  const config = (await readJson(source, files, 'config.json')) as Record<string, unknown> | undefined;
  if (!config) throw new HubError(refusal('no-decoder', `${source.ref.repo} has no config.json: it is not a transformers model repo.`));
  const generationConfig = (await readJson(source, files, 'generation_config.json')) as Record<string, unknown> | undefined;
  const variants = graphVariants(files);
  const precisions = decoderPrecisions(variants);
  return { source, files, config, generationConfig, variants, precisions, refusal: repoRefusal(source.ref.repo, config, variants) };
}

/** What the device allows, checked before anything large is fetched. */
export interface DeviceLimits {
  backend: 'wasm' | 'webgpu';
  shaderF16?: boolean; // the WebGPU adapter's shader-f16 feature
  maxBufferBytes?: number; // WebGPU: min(maxStorageBufferBindingSize, maxBufferSize)
}

/** wasm32 addresses 4 GiB: weights over it cannot be held by onnxruntime-web's WASM heap at all. */
export const WASM_HEAP_LIMIT = 4 * 2 ** 30;

/** Why this precision cannot run on this device, from sizes alone (before the download). */
export function sizeRefusal(v: GraphVariant, dtype: Dtype, limits: DeviceLimits): Refusal | undefined {
  if (limits.backend === 'wasm' && v.bytes > WASM_HEAP_LIMIT)
    return refusal(
      'too-large',
      `The ${dtype} files are ${sizeText(v.bytes)}: over the ${sizeText(WASM_HEAP_LIMIT)} that WebAssembly (wasm32) can address, so WASM cannot hold them. Pick a smaller precision (q4, q8) or WebGPU.`,
    );
  if (limits.backend === 'webgpu' && needsF16(dtype) && !limits.shaderF16)
    return refusal('precision', `${dtype} needs fp16 arithmetic on the GPU, and this WebGPU adapter lacks the shader-f16 feature. Pick fp32, q8 or q4.`);
  return undefined;
}

export interface HubDecoder {
  ref: RepoRef;
  origin: 'hub' | 'folder';
  dtype: Dtype;
  variant: GraphVariant;
  graph: Uint8Array;
  externalData: { path: string; data: Uint8Array }[]; // as onnxruntime-web's externalData option takes them
  info: OnnxGraphInfo;
  layout: DecoderLayout;
  tokenizer: HubTokenizer;
  config: Record<string, unknown>;
  generationConfig?: Record<string, unknown>;
  maxPositions?: number; // config.max_position_embeddings: the longest context the model was built for
  bytes: number; // graph + external data
}

/**
 * The decoder in `dtype`: its graph (checked against the layouts the engine drives), then its external data and the
 * tokenizer. Throws HubError with the refusal; a refusal found in the graph comes before its weights are fetched.
 */
export async function loadHubDecoder(
  s: RepoSummary,
  dtype: Dtype,
  limits: DeviceLimits,
  onProgress?: (p: FileProgress & { fileIndex: number; files: number }) => void,
  signal?: AbortSignal,
): Promise<HubDecoder> {
  const repo = s.source.ref.repo;
  if (s.refusal) throw new HubError(s.refusal);
  const variant = s.precisions.find((p) => p.dtype === dtype)?.variant;
  if (!variant) throw new HubError(refusal('no-decoder', `${repo} has no ${dtype} decoder (it has ${s.precisions.map((p) => p.dtype).join(', ') || 'none'}).`));
  const tooBig = sizeRefusal(variant, dtype, limits);
  if (tooBig) throw new HubError(tooBig);
  const tokFile = s.files.find((f) => f.path === 'tokenizer.json');
  if (!tokFile)
    throw new HubError(refusal('tokenizer', `${repo} has no tokenizer.json (the tokenizer library reads only that format; a tokenizer.model alone is SentencePiece's).`));
  const steps = 1 + variant.data.length + 2;
  let index = 0;
  const progress = (p: FileProgress) => onProgress?.({ ...p, fileIndex: index, files: steps });

  const graph = await s.source.read(variant.file, progress, signal);
  let info: OnnxGraphInfo;
  try {
    info = readOnnxGraph(graph);
  } catch (e) {
    throw new HubError(refusal('corrupt', `${variant.file.path} is not an ONNX graph the page can read.`, String(e)));
  }
  const layout = decoderLayout(info, s.config);
  if (isRefusal(layout)) throw new HubError({ ...layout, message: `${repo} (${variant.file.path}): ${layout.message}` });
  if (layout.kind !== 'no-cache' && (!layout.kvHeads || !layout.headDim))
    throw new HubError(refusal('inputs', `${repo}: the cache's shape (key-value heads, head size) is neither in the graph nor in config.json.`));
  if (limits.backend === 'webgpu' && limits.maxBufferBytes && info.largestWeightBytes > limits.maxBufferBytes)
    throw new HubError(
      refusal(
        'buffer-limit',
        `${repo} (${dtype}): its largest weight is ${sizeText(info.largestWeightBytes)}, over this WebGPU adapter's buffer limit of ${sizeText(limits.maxBufferBytes)}. Pick a smaller precision or WASM.`,
      ),
    );
  const dir = variant.file.path.includes('/') ? variant.file.path.slice(0, variant.file.path.lastIndexOf('/') + 1) : '';
  const missing = info.externalData.filter((p) => !s.files.some((f) => f.path === dir + p));
  if (missing.length) throw new HubError(refusal('corrupt', `${variant.file.path} reads its weights from ${missing.join(', ')}, which ${repo} does not have.`));
  const externalData: HubDecoder['externalData'] = [];
  for (const p of info.externalData) {
    index++;
    externalData.push({ path: p, data: await s.source.read(s.files.find((f) => f.path === dir + p)!, progress, signal) });
  }
  index++;
  const tokJson = await readJson(s.source, s.files, 'tokenizer.json', progress);
  index++;
  const tokConfig = await readJson(s.source, s.files, 'tokenizer_config.json', progress);
  const tokenizer = loadTokenizer(tokJson, tokConfig, repo);
  if (isRefusal(tokenizer)) throw new HubError(tokenizer);
  const maxPositions = typeof s.config.max_position_embeddings === 'number' ? s.config.max_position_embeddings : undefined;
  return {
    ref: s.source.ref,
    origin: s.source.origin,
    dtype,
    variant,
    graph,
    externalData,
    info,
    layout,
    tokenizer,
    config: s.config,
    generationConfig: s.generationConfig,
    maxPositions,
    bytes: graph.length + externalData.reduce((n, d) => n + d.data.length, 0),
  };
}
