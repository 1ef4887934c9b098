// Typed messages between the page (client.ts) and a model worker (worker.ts). Every request carries an id;
// the worker answers with the same id, either the matching reply or an `error`.
import type { Manifest } from '../catalog/manifest';
import type { BackendName, EngineFailure, MemoryReading, TopByte } from './types';
import type { RunPolicy } from './stats';
import type { OpProfile } from './profile';

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

export type Request = LoadRequest | PredictRequest | MeasureRequest | ProfileRequest | PeakRequest;

export interface LoadedReply {
  type: 'loaded';
  id: number;
  backend: BackendName;
  webgpuImpl?: 'jsep' | 'native';
  wasmThreads: number;
  build: string; // the onnxruntime-web bundle that runs, with its version
  loadMs: number;
  inputNames: string[];
  outputNames: string[];
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
  build: string;
  wasmThreads: number;
  firstRunMs: number;
  samplesMs: number[];
}

export type Reply = LoadedReply | PredictedReply | MeasuredReply | ProfiledReply | PeakedReply | ErrorReply;

const REQUEST_TYPES = new Set(['load', 'predict', 'measure', 'profile', 'peak']);
const REPLY_TYPES = new Set(['loaded', 'predicted', 'measured', 'profiled', 'peaked', 'error']);

export function isRequest(x: unknown): x is Request {
  return typeof x === 'object' && x !== null && REQUEST_TYPES.has((x as Request).type) && Number.isInteger((x as Request).id);
}

export function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && REPLY_TYPES.has((x as Reply).type) && Number.isInteger((x as Reply).id);
}
