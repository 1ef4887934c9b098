// Typed messages between the page (client.ts) and a model worker (worker.ts). Every request carries an id;
// the worker answers with the same id, either the matching reply or an `error`.
import type { Manifest } from '../catalog/manifest';
import type { BackendName, DeviceInfo, EngineFailure, MemoryReading, TopByte } from './types';
import type { RunPolicy } from './stats';

export interface LoadRequest {
  type: 'load';
  id: number;
  manifest: Manifest;
  model: ArrayBuffer; // transferred
  backend: BackendName;
  wasmThreads: number;
  webgpuImpl: 'jsep' | 'native';
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

export type Request = LoadRequest | PredictRequest | MeasureRequest;

export interface LoadedReply {
  type: 'loaded';
  id: number;
  backend: BackendName;
  webgpuImpl?: 'jsep' | 'native';
  wasmThreads: number;
  loadMs: number;
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

export type Reply = LoadedReply | PredictedReply | MeasuredReply | ErrorReply;

const REQUEST_TYPES = new Set(['load', 'predict', 'measure']);
const REPLY_TYPES = new Set(['loaded', 'predicted', 'measured', 'error']);

export function isRequest(x: unknown): x is Request {
  return typeof x === 'object' && x !== null && REQUEST_TYPES.has((x as Request).type) && Number.isInteger((x as Request).id);
}

export function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && REPLY_TYPES.has((x as Reply).type) && Number.isInteger((x as Reply).id);
}
