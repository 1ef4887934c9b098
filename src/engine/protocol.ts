// Typed messages between the page (client.ts) and a model worker (worker.ts). Every request carries an id;
// the worker answers with the same id, either the matching reply or an `error` (a generation first streams
// progress replies; a stop is answered by the generation it ends).
import type { Manifest } from '../catalog/manifest';
import type { BackendName, DeviceInfo, EngineFailure, GenerateOptions, MemoryReading, TopByte } from './types';
import type { GraphIO } from './userModel';
import type { RunPolicy } from './stats';
import type { OpProfile } from './profile';
import type { DecoderOptions } from './stepRunner';

export interface LoadRequest {
  type: 'load';
  id: number;
  manifest: Manifest;
  model: ArrayBuffer; // transferred
  backend: BackendName;
  wasmThreads: number;
  webgpuImpl: 'jsep' | 'native';
  wasmModule?: WebAssembly.Module; // the build's module, compiled once by the page (see ort.ts)
  profile?: boolean; // a profiling worker: the session records ORT's per-operator timings
  warm?: boolean; // run one forward on a short window before replying: the page's workers, never a measurement's
}

export interface PredictRequest {
  type: 'predict';
  id: number;
  window: Uint8Array;
  numLatents?: number;
}

export interface MeasureRequest {
  type: 'measure';
  id: number;
  window: Uint8Array;
  numLatents?: number;
  policy: RunPolicy;
}

/** A profiling worker: first run, one warm-up, then `windows` profiled windows. */
export interface ProfileRequest {
  type: 'profile';
  id: number;
  window: Uint8Array;
  numLatents?: number;
  windows: number;
}

/** Times C = A·B of n x n float32 matrices (matmulGraph.ts) in a worker of its own: the backend's reference speed. */
export interface PeakRequest {
  type: 'peak';
  id: number;
  backend: BackendName;
  wasmThreads: number;
  webgpuImpl: 'jsep' | 'native';
  wasmModule?: WebAssembly.Module;
  n: number;
  policy: RunPolicy;
}

/** Opens the model's step graph (cached decoding) next to its forward session; its weights are the model's bytes. */
export interface LoadStepRequest {
  type: 'loadStep';
  id: number;
  step: ArrayBuffer; // transferred
}

/** Cached decoding of given bytes: appended piece by piece through the step graph (stepRunner.ts). */
export interface DecodeRequest {
  type: 'decode';
  id: number;
  bytes: Uint8Array;
  pieces: number[]; // lengths, summing to bytes.length: e.g. [prompt, 1, 1, ...]
  options: DecoderOptions;
}

/** A person's own graph: open it on WASM, report its inputs and outputs, close it (userModel.ts recognises the layout). */
export interface InspectRequest {
  type: 'inspect';
  id: number;
  model: ArrayBuffer; // transferred
  wasmThreads: number;
}

export interface InspectedReply {
  type: 'inspected';
  id: number;
  io: GraphIO;
}

/** Generation (generation.ts): streams a `generating` reply per byte, ends with `generated` (or `error`). */
export interface GenerateRequest {
  type: 'generate';
  id: number;
  prompt: Uint8Array;
  options: GenerateOptions;
}

/** Asks the generation `target` to end after the byte in progress; it answers with its `generated` reply. */
export interface StopRequest {
  type: 'stop';
  id: number;
  target: number;
}

/** Where one query position reads, from the model's analysis graph (its own session, never the timed one). */
export interface AttentionRequest {
  type: 'attention';
  id: number;
  graph: ArrayBuffer; // attention.onnx (transferred), its weights read from the forward graph's bytes; one session per sha256
  sha256: string;
  window: Uint8Array;
  numLatents?: number;
  query: number; // window offset of the query position
}

export type Request =
  | LoadRequest
  | PredictRequest
  | MeasureRequest
  | LoadStepRequest
  | DecodeRequest
  | InspectRequest
  | ProfileRequest
  | PeakRequest
  | AttentionRequest
  | GenerateRequest
  | StopRequest;

export interface LoadedReply {
  type: 'loaded';
  id: number;
  backend: BackendName;
  webgpuImpl?: 'jsep' | 'native';
  wasmThreads: number;
  loadMs: number;
  warmMs?: number; // the warm-up forward, when asked for
  inputNames: string[];
  outputNames: string[];
  device?: DeviceInfo; // the GPU device the session runs on (WebGPU only)
}

export interface PredictedReply {
  type: 'predicted';
  id: number;
  coveredStart: number;
  surprisalBits: Float32Array;
  top: TopByte[][];
  nextTop: TopByte[];
  latencyMs: number;
}

export interface MeasuredReply {
  type: 'measured';
  id: number;
  firstRunMs: number;
  samplesMs: number[];
  memory: MemoryReading;
}

export interface ErrorReply {
  type: 'error';
  id: number; // -1: not tied to a request (e.g. the WebGPU device was lost)
  failure: EngineFailure;
}

export interface ProfiledReply {
  type: 'profiled';
  id: number;
  profile: Pick<OpProfile, 'windows' | 'runMs' | 'opsMs' | 'kernels' | 'byCategory' | 'top' | 'source'>;
}

export interface PeakedReply {
  type: 'peaked';
  id: number;
  wasmThreads: number;
  device?: DeviceInfo;
  firstRunMs: number;
  samplesMs: number[];
}

export interface StepLoadedReply {
  type: 'stepLoaded';
  id: number;
  loadMs: number;
  inputNames: string[];
  outputNames: string[];
}

export interface DecodedReply {
  type: 'decoded';
  id: number;
  lastLogits: Float32Array; // pieces x V: the row after each piece (it predicts the next byte)
  pieceMs: number[];
  refills: number;
  latentsAfter: number[]; // Perceiver AR: latents cached after each piece (0 for the others)
  stateBytes: number;
  capacity: number;
}

/** Progress of a generation: one byte. The request stays open. */
export interface GeneratingReply {
  type: 'generating';
  id: number;
  byte: number;
  ms: number;
  latents?: number;
  refills: number;
}

export interface GeneratedReply {
  type: 'generated';
  id: number;
  stopped: boolean;
  refills: number;
  numLatents?: number;
  refillTo?: number;
  stateBytes?: number;
  capacity?: number;
  memory: MemoryReading;
}

export interface AttendedReply {
  type: 'attended';
  id: number;
  weights: Float32Array; // one per window position, summing to 1 (heads averaged)
}

export type Reply =
  | LoadedReply
  | PredictedReply
  | MeasuredReply
  | ErrorReply
  | StepLoadedReply
  | DecodedReply
  | InspectedReply
  | ProfiledReply
  | PeakedReply
  | AttendedReply
  | GeneratingReply
  | GeneratedReply;

const REQUEST_TYPES = new Set(['load', 'predict', 'measure', 'loadStep', 'decode', 'inspect', 'profile', 'peak', 'attention', 'generate', 'stop']);
const REPLY_TYPES = new Set(['loaded', 'predicted', 'measured', 'error', 'stepLoaded', 'decoded', 'inspected', 'profiled', 'peaked', 'attended', 'generating', 'generated']);
/** Replies that report progress: the request they answer is still running. */
export const PROGRESS_TYPES = new Set<Reply['type']>(['generating']);

export function isRequest(x: unknown): x is Request {
  return typeof x === 'object' && x !== null && REQUEST_TYPES.has((x as Request).type) && Number.isInteger((x as Request).id);
}

export function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && REPLY_TYPES.has((x as Reply).type) && Number.isInteger((x as Reply).id);
}
