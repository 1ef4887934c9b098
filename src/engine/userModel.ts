// A person's own ONNX model: what its graph takes and gives (from onnxruntime-web's input/output metadata), whether
// the engine can drive it, and the manifest the engine then runs it with. Pure: the worker reads the metadata, the
// page asks for what the graph cannot tell (vocabulary, byte-level or not, maximum context).
import type { Manifest } from '../catalog/manifest';
import type { Feed } from './graphRunner';

export const MAX_USER_MODEL_BYTES = 256 * 2 ** 20; // the file is copied into a worker and ORT's heap: wasm32 has 4 GiB
export const USER_PREFIX = 'user-';

export interface GraphTensor {
  name: string;
  dtype?: string; // e.g. "int64", "float32"; absent when ORT gives no metadata
  dims?: (number | string)[]; // numbers are fixed sizes, strings symbolic ones
}
export interface GraphIO {
  inputs: GraphTensor[];
  outputs: GraphTensor[];
}

export type UserFeeds = NonNullable<NonNullable<Manifest['userModel']>['feeds']>;

/** A layout the engine can drive: 'full' (logits for every position) or 'latents' (the last M, M fed at run time). */
export interface Recognised {
  io: 'full' | 'latents';
  takesLatents: boolean; // a num_latents input: the engine feeds M (io 'latents')
  feeds: UserFeeds;
  vocabSize?: number; // the logits' last dimension, when fixed
  describe: string; // the layout in words
}

const TOKENS = ['tokens', 'input_ids'];
const shape = (t: GraphTensor) => (t.dims ? `[${t.dims.join(', ')}]` : '[?]');
const show = (t: GraphTensor) => `${t.name} ${t.dtype ?? '?'} ${shape(t)}`;

/** ONNX files are protobuf ModelProtos, which begin with field 1 (ir_version, a varint): byte 0x08. */
export const looksLikeOnnx = (head: Uint8Array) => head.length > 16 && head[0] === 0x08;

/** The layout, or why the playground cannot drive the graph (in words a person can act on). */
export function recognise(g: GraphIO): Recognised | { problem: string } {
  const tokens = g.inputs.find((t) => TOKENS.includes(t.name));
  const mask = g.inputs.find((t) => t.name === 'attention_mask');
  const latents = g.inputs.find((t) => t.name === 'num_latents');
  const others = g.inputs.filter((t) => t !== tokens && t !== mask && t !== latents);
  const drives = 'The playground feeds a token input (tokens or input_ids: int64 [batch, sequence]), optionally attention_mask (all ones) and num_latents (a Perceiver AR\'s M), and reads logits [batch, positions, vocabulary].';
  if (!tokens) return { problem: `its graph has no token input named tokens or input_ids (inputs: ${g.inputs.map(show).join('; ') || 'none'}). ${drives}` };
  if (others.length) return { problem: `its graph takes inputs the playground cannot feed: ${others.map(show).join('; ')}. ${drives}` };
  for (const t of [tokens, mask, latents])
    if (t?.dtype && t.dtype !== 'int64') return { problem: `its input ${show(t)} is not int64. ${drives}` };
  if (tokens.dims && tokens.dims.length !== 2) return { problem: `its token input ${show(tokens)} is not [batch, sequence]. ${drives}` };
  if (typeof tokens.dims?.[1] === 'number') return { problem: `its token input ${show(tokens)} has a fixed length, and the playground feeds windows of any length N. ${drives}` };
  const logits = g.outputs.find((t) => t.name === 'logits') ?? (g.outputs.length === 1 ? g.outputs[0] : undefined);
  if (!logits) return { problem: `no output is called logits, and it has ${g.outputs.length} outputs (${g.outputs.map(show).join('; ')}). ${drives}` };
  if (logits.dims && logits.dims.length !== 3) return { problem: `its output ${show(logits)} is not [batch, positions, vocabulary]. ${drives}` };
  const V = logits.dims?.[2];
  const io = latents ? 'latents' : 'full';
  return {
    io,
    takesLatents: !!latents,
    feeds: { tokens: tokens.name, attentionMask: mask?.name, numLatents: latents?.name, logits: logits.name },
    vocabSize: typeof V === 'number' ? V : undefined,
    describe: `${[tokens, mask, latents].filter(Boolean).map((t) => show(t!)).join(', ')} → ${show(logits)}: ${
      latents ? 'a Perceiver AR layout (logits for the last M positions)' : 'a decoder with logits for every position'
    }`,
  };
}

/** The engine's feeds (named as for the bundled graphs: tokens, num_latents) under the graph's own names. */
export function adaptFeeds(feeds: Record<string, Feed>, names: UserFeeds): Record<string, Feed> {
  const out: Record<string, Feed> = { [names.tokens]: feeds.tokens };
  if (names.attentionMask) out[names.attentionMask] = { ...feeds.tokens, data: new BigInt64Array(feeds.tokens.data.length).fill(1n) };
  if (names.numLatents) out[names.numLatents] = feeds.num_latents;
  return out;
}

export interface UserAnswers {
  name: string;
  vocabSize: number;
  byteLevel: boolean;
  maxContext: number;
  latents?: number; // default M for a latents layout
}

/** The manifest the engine runs a user's graph with: what was read and answered; everything else unknown (0). */
export function userManifest(fileName: string, bytes: number, sha256: string, g: GraphIO, r: Recognised, a: UserAnswers): Manifest {
  const slug = fileName.toLowerCase().replace(/\.onnx$/, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'model';
  const spec = (t: GraphTensor) => ({ name: t.name, dtype: (t.dtype ?? 'float32') as 'int64', dims: t.dims ?? [] });
  return {
    schemaVersion: 1,
    id: `${USER_PREFIX}${slug}-${sha256.slice(0, 8)}`,
    family: 'user',
    familyName: 'your model',
    size: 'tiny',
    displayName: a.name || fileName,
    paper: { title: '', authors: '', year: 0, url: '' },
    simplifications: [],
    config: {
      vocabSize: a.vocabSize, dModel: 0, nHeads: 0, nLayers: 0, dFf: 0, activation: 'relu', norm: 'layernorm', positions: 'unknown',
      maxContext: a.maxContext, trainedContext: a.maxContext,
      attention: r.takesLatents ? { kind: 'latents', latents: a.latents ?? 1 } : { kind: 'full' },
    },
    parameters: 0,
    io: r.io,
    graph: { file: fileName, bytes, sha256, opset: 0, inputs: g.inputs.map(spec), outputs: g.outputs.map(spec), webgpuUnsupportedOps: [] },
    userModel: { fileName, byteLevel: a.byteLevel, fromManifest: false, feeds: r.feeds },
    reference: '',
    training: null,
    evaluation: null,
  };
}

export const isUserModel = (m: Pick<Manifest, 'userModel'>) => !!m.userModel;
