// Public types of the engine: what the UI, the automation API and the bench runner see.
// No React, no onnxruntime-web here.
import type { Manifest } from '../catalog/manifest';
import type { GraphIO } from './userModel';
import type { HubTokenizer } from '../hub/tokenizer';

export type BackendName = 'webgpu' | 'wasm';
export type BackendChoice = BackendName | 'auto';

export interface GpuInfo {
  available: boolean;
  reason?: string; // why not, when unavailable
  isFallbackAdapter: boolean; // true for software adapters (SwiftShader)
  vendor: string;
  architecture: string;
  description: string;
  features: string[];
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

/** Measured figures; a field is absent when the platform cannot give it. */
export interface MemoryReading {
  gpuAllocatedPeakBytes?: number; // bytes requested from GPUDevice.createBuffer, peak over the run
  gpuAllocatedLiveBytes?: number; // still allocated after the run
  wasmHeapBytes?: number; // WebAssembly.Memory size (grows, never shrinks)
  jsHeapBytes?: number; // performance.memory.usedJSHeapSize (Chromium only)
}

import type { MemoryEstimate } from '../catalog/costModel';
export type { MemoryEstimate } from '../catalog/costModel';

import type { EngineFailure } from './failures';
export { EngineError, type EngineFailure, type FailureKind } from './failures';

export interface LoadProgress {
  modelId: string;
  loadedBytes: number;
  totalBytes: number;
  fromCache: boolean;
}

/** The GPU device a session ran on, as the worker saw it (GPUDevice.adapterInfo and the device's limits). */
export interface DeviceInfo {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean; // a software adapter (SwiftShader, llvmpipe): its times say nothing about a GPU
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

/** The execution-provider build that ran: WASM, WebGPU through JSEP, or ORT's native WebGPU EP. */
export type EpBuild = 'wasm' | 'webgpu-jsep' | 'webgpu-native';

/** Where and with what a result was measured, recorded with every point. */
export interface Provenance {
  browser: string; // e.g. "Chrome 156.0.7500.0"
  platform: string; // e.g. "Linux x86_64"
  hardwareThreads: number; // navigator.hardwareConcurrency
  crossOriginIsolated: boolean; // without it WASM runs one thread
  ep: EpBuild;
  wasmThreads: number; // threads ORT's WASM backend got (1 without cross-origin isolation; 0 on WebGPU)
  gpu?: DeviceInfo; // when the point ran on WebGPU
  ort: string; // onnxruntime-web version that ran (env.versions.web)
  app: string; // this project's version and commit
  measuredAt: string; // ISO 8601
}

export interface LoadedModel {
  modelId: string;
  manifest: Manifest;
  backend: BackendName; // the backend that really runs
  webgpuImpl?: 'jsep' | 'native'; // which WebGPU EP build, when backend is webgpu
  wasmThreads: number; // threads ORT's WASM backend really got (1 without cross-origin isolation)
  crossOriginIsolated: boolean;
  loadMs: number; // session creation
  warmMs?: number; // one forward on a short window after it (compiles the kernels before the first prediction)
}

export interface TopByte {
  byte: number;
  p: number;
}

export interface Prediction {
  modelId: string;
  backend: BackendName;
  contextLength: number; // N actually used (may be below the requested one: see clippedReason)
  requestedContext: number;
  clippedReason?: string; // e.g. "model limit is 4096 bytes"
  windowStart: number; // offset in the input bytes of the first byte of the window
  numLatents?: number;
  coveredStart: number; // offset, within the window, of the first position that has logits
  // Logits at window offset i predict the byte at i+1. So bytes coveredStart+1 .. N-1 get a surprisal
  // (scoredStart = coveredStart + 1), and the logits at N-1 give the distribution of the next byte.
  surprisalBits: number[];
  scoredStart: number; // window offset of surprisalBits[0]
  bitsPerByte: number; // mean of surprisalBits
  top: TopByte[][]; // top-k candidates (what the model expected) for the last top.length scored positions
  topStart: number; // window offset of top[0]
  nextTop: TopByte[]; // distribution for the byte after the window
  latencyMs: number;
  /**
   * A Hub decoder's prediction is per token: contextLength, coveredStart, scoredStart and topStart count tokens of the
   * window (windowStart is still the input's byte offset); surprisalBits and top are per token (top's `byte` is a
   * token id); bitsPerByte is all the scored tokens' bits over their bytes (comparable with the byte models).
   */
  tokens?: {
    ids: number[]; // the window's tokens
    text: string[]; // each token's text
    bytes: number[]; // each token's length in UTF-8 bytes
    topText: string[][]; // top's tokens as text
    nextTopText: string[];
    bitsPerToken: number;
  };
}

export interface MeasureOptions {
  numLatents?: number;
  warmupRuns?: number; // default 2
  warmupMs?: number; // warm up for at least this long too (default 0; see stats.ts RunPolicy)
  minRuns?: number; // default 5
  minTimeMs?: number; // default 1000
  maxRuns?: number; // default 50
  decode?: boolean; // also measure cached decoding at N (the point's `decode`, in a fresh worker of its own)
  skipForward?: string; // do not run the one-shot forward; the point fails as 'skipped' with this reason
  decodeCapacity?: number; // decoding's state holds this many positions, not just N (does its size cost time? issue 21)
  decodeGpuState?: GpuState; // WebGPU: where decoding's state lives and how a step runs (default 'gpu')
}

/**
 * Cached decoding at N, measured in a fresh worker: a prefill of N - D bytes through the step graph, then D decode
 * steps of one byte (greedy), so the last step reads N positions. D is at least 32; for Perceiver AR a whole number
 * of refill periods (M - F + 1 bytes: one refill and M - F cheap steps) when N allows one (measure.ts decodePlan).
 */
export interface DecodePointOk {
  ok: true;
  promptBytes: number;
  prefillMs: number; // the prompt through the step graph, first byte sampled: time to first byte
  stepsMs: number[]; // each decode step (D of them), refills included
  msPerByte: number; // mean of stepsMs: amortised over the refills
  medianMs: number;
  p95Ms: number;
  refills: number;
  refillTo?: number; // Perceiver AR: F
  stateBytes: number; // the state's tensors (exact)
  capacity?: number; // positions the state held
  stateOn?: 'cpu' | 'gpu'; // where it lived: JS memory fed every step, or WebGPU buffers
  captured?: boolean; // steps replayed from a captured WebGPU graph
  memory: MemoryReading; // measured in the decoding worker
  note?: string; // e.g. why no refill happened
  // WASM: what onnxruntime-web copied into its heap per decode step (mean over the steps): the state it is fed
  copyMsPerByte?: number;
  copyBytesPerByte?: number;
}
export interface DecodePointFailed {
  ok: false;
  failure: EngineFailure;
}
export type DecodePoint = DecodePointOk | DecodePointFailed;

export interface MeasurePointOk {
  ok: true;
  modelId: string;
  backend: BackendName;
  contextLength: number;
  numLatents?: number;
  firstRunMs: number; // shader compile + allocation, reported apart
  sessionMs?: number; // creating the point's session in its fresh worker
  samplesMs: number[];
  medianMs: number;
  p95Ms: number;
  bytesPerSec: number; // contextLength / median seconds (links before this name called it tokensPerSec)
  memory: MemoryReading;
  estimate: MemoryEstimate;
  wasmThreads: number;
  provenance?: Provenance; // absent only in results shared before it was recorded
  decode?: DecodePoint; // when decoding was measured too
}

export interface MeasurePointFailed {
  ok: false;
  modelId: string;
  backend: BackendName;
  contextLength: number;
  numLatents?: number;
  failure: EngineFailure;
  estimate: MemoryEstimate;
  provenance?: Provenance; // absent only in results shared before it was recorded, or when no session was made
  decode?: DecodePoint; // decoding can run where the one-shot forward failed or was skipped
}

export type MeasurePoint = MeasurePointOk | MeasurePointFailed;

export interface SweepSpec {
  modelIds: string[];
  backends: BackendName[];
  contextLengths?: number[]; // default: powers of two from 256 to each model's maxContext
  numLatents?: number;
  measure?: MeasureOptions;
  stopAfterFailure?: boolean; // default true: after a model fails at N, larger N are skipped (forward and decoding apart)
  decode?: boolean; // also cached decoding at each N, up to the step graph's capacity (past the forward's limit)
  /** Exactly these points instead of models x backends x contextLengths (e.g. to re-measure another device's). */
  plan?: { modelId: string; backend: BackendName; contextLength: number; numLatents?: number }[];
}

export interface SweepProgress {
  done: number;
  total: number;
  current?: { modelId: string; backend: BackendName; contextLength: number };
}

/** WebGPU, cached decoding: where the state lives and how a step runs. 'gpu' (the default): GPU buffers for the
 * whole generation; 'uploaded': JS memory, uploaded every step (the WASM path's way), to see the difference;
 * 'captured': GPU buffers, and each one-byte step replayed from a captured graph (src/engine/capturedStep.ts), which
 * reads the state at its capacity: decoder step graphs only. */
export type GpuState = 'gpu' | 'uploaded' | 'captured';

/** Cached decoding through the model's step graph (src/engine/stepRunner.ts has the rules). */
export interface DecodeOptions {
  capacity?: number; // positions the state holds; default: the bytes given
  numLatents?: number; // Perceiver AR: M
  refillTo?: number; // Perceiver AR: F
  chunk?: number; // most bytes per step call
  gpuState?: GpuState;
}

export interface DecodeResult {
  modelId: string;
  backend: BackendName;
  lastLogits: Float32Array; // pieces x V: after each piece, the logits of the next byte
  pieceMs: number[]; // wall time per piece (the first piece is the prefill)
  refills: number; // Perceiver AR
  latentsAfter: number[]; // Perceiver AR: latents cached after each piece
  stateBytes: number;
  capacity: number;
  stateOn: 'cpu' | 'gpu'; // where the state lived: JS memory fed every call, or WebGPU buffers
  captured?: boolean; // one-byte steps replayed from a captured WebGPU graph
  memory: MemoryReading; // the worker's, after the state was released
}
export interface ProfileOptions {
  numLatents?: number;
  windows?: number; // profiled windows, averaged (default 2)
}

export type ProfilePoint =
  | ({ ok: true; provenance: Provenance } & OpProfile)
  | { ok: false; modelId: string; backend: BackendName; contextLength: number; numLatents?: number; failure: EngineFailure };

/** A plain n x n MatMul on a backend: the reference for the models' achieved GFLOP/s. */
export type PeakPoint =
  // copyGBps: memory copy bandwidth in the same worker (typed array to typed array, 64 MiB, median), the floor's other half
  | { ok: true; backend: BackendName; n: number; firstRunMs: number; medianMs: number; gflops: number; copyGBps?: number; provenance: Provenance }
  | { ok: false; backend: BackendName; n: number; failure: EngineFailure };

/** Generation (engine.generate): bytes sampled after a prompt, the loop inside the model's worker. */
export interface GenerateOptions {
  maxBytes: number; // bytes to generate
  temperature?: number; // 0 (default): greedy, the argmax
  topK?: number; // sample among the k most likely bytes (default 256: all)
  seed?: number; // the same seed, settings and model give the same bytes (default 1)
  cache?: boolean; // true (default): cached decoding through the step graph; false: the forward graph re-runs the window per byte
  numLatents?: number; // Perceiver AR: M
  refill?: number; // Perceiver AR, cached: F, the latents a refill keeps (default: the manifest's rule)
  contextLength?: number; // without the cache: the window each forward reads (default: the prompt's length)
  meterCopies?: boolean; // measurement: time onnxruntime-web's copies into the WASM heap per byte (ort.ts meterHeapCopies)
  gpuState?: GpuState; // WebGPU, cached

  // cached, measurement: the state holds this many positions (at least what the prompt and bytes need), so that the
  // bench can show a step's time follows the valid rows, not the capacity; step graphs only (a Hub decoder's cache
  // grows with its tokens, nothing is preallocated, and its result's capacity says so)
  capacity?: number;
}

/** One byte (a Hub decoder: one token) as it streams in. */
export interface GenerateProgress {
  byte: number; // a Hub decoder: the token id
  text?: string; // a Hub decoder: the text this token completes (empty while a character's bytes are incomplete)
  index: number; // 0: the first byte, after the prefill
  ms: number; // time of this byte: the prefill for the first, one decode step after
  latents?: number; // Perceiver AR: latents behind this byte's logits
  refills: number;
}

export interface GenerateResult {
  modelId: string;
  backend: BackendName;
  wasmThreads: number;
  cached: boolean;
  promptBytes: number;
  bytes: Uint8Array; // what was generated (fewer than asked when stopped)
  stepMs: number[]; // per byte: [0] the prefill plus the first byte (time to first byte), then one per decode step
  latents: number[]; // Perceiver AR: latents behind each byte's logits (empty for the others)
  prefillMs: number;
  medianMs?: number; // decode steps (bytes after the first): median, p95, mean and rate
  p95Ms?: number;
  msPerByte?: number; // mean: Perceiver AR's refills included
  bytesPerSec?: number;
  refills: number;
  numLatents?: number; // Perceiver AR: M and, cached, F
  refillTo?: number;
  stateBytes?: number; // cached: the state's tensors (exact)
  stateOn?: 'cpu' | 'gpu'; // cached: where the state lived (gpu: WebGPU buffers for the whole generation)
  captured?: boolean; // cached: one-byte steps replayed from a captured WebGPU graph
  capacity?: number; // cached: positions the state holds
  windowBytes?: number; // without the cache: the most bytes each forward read (the window slides past them)
  memory?: MemoryReading; // measured in the worker at the end (absent when the worker was ended to stop it)
  stopped?: string; // why it ended before maxBytes
  tokens?: number[]; // a Hub decoder: the generated token ids (maxBytes counts tokens; `bytes` is their text's UTF-8)
}

/** A recall probe as the engine reads it (src/tasks makes them): its bytes and where its answer bytes are. */
export interface RecallProbeInput {
  bytes: Uint8Array;
  answers: { start: number; length: number }[];
}

/** One probe read, teacher-forced: each answer byte's top prediction (the argmax) and its k most likely bytes. */
export interface RecallProbeResult {
  index: number; // in the probes given
  predicted: Uint8Array; // one byte per answer byte, the answers in order
  top: TopByte[][]; // per answer byte
  ms: number; // reading this probe (a forward, or a prefill and one step per answer byte)
}

export interface RecallRun {
  modelId: string;
  backend: BackendName;
  mode: 'forward' | 'decode'; // one forward, or cached decoding through the step graph (past the forward's limit)
  numLatents?: number; // Perceiver AR: M
  probes: RecallProbeResult[]; // fewer than given when stopped
  stopped?: string;
  memory?: MemoryReading; // the worker's, at the end
}

/** What the engine offers; implemented by engine/client.ts, exposed on window for tests and scripts. */
/** Where one position reads (the model's analysis graph): attention weights over the window, heads averaged. */
export interface AttentionMap {
  modelId: string;
  windowStart: number; // input offset of the window's first byte
  query: number; // window offset of the query position (Perceiver AR: one of its latents)
  weights: Float32Array; // one per window byte, summing to 1
  layer: string; // which attention layer (the manifest's words)
}

/** A Hub decoder's files, as its graph names them. */
export interface HubFiles {
  graph: Uint8Array;
  externalData: { path: string; data: Uint8Array }[];
}

export interface Engine {
  detectWebGPU(): Promise<GpuInfo>;
  listModels(): Promise<Manifest[]>; // public/models/index.json + each manifest, validated
  /** A person's own graph, opened in a throwaway worker on WASM: its inputs and outputs (userModel.ts). */
  inspect(model: Uint8Array): Promise<GraphIO>;
  /** Runs a person's own graph under `m` (userModel.ts) from bytes already in the page: nothing is fetched or sent. */
  addUserModel(m: Manifest, model: Uint8Array): void;
  /** A decoder from the Hugging Face Hub (src/hub: manifest.ts made `m`), its graph, weights and tokenizer in the page. */
  addHubModel(m: Manifest, files: HubFiles, tokenizer: HubTokenizer): void;
  /** A Hub decoder's tokenizer (the page counts tokens with it); undefined for the byte models. */
  tokenizerOf(modelId: string): HubTokenizer | undefined;
  removeUserModel(id: string): Promise<void>;
  load(modelId: string, backend: BackendChoice, onProgress?: (p: LoadProgress) => void): Promise<LoadedModel>;
  unload(modelId: string): Promise<void>;
  predict(modelId: string, input: Uint8Array, contextLength: number, numLatents?: number): Promise<Prediction>;
  /** Feeds `bytes` through the step graph in `pieces` (lengths, e.g. [prompt, 1, 1, ...]), in the loaded worker. */
  decode(modelId: string, bytes: Uint8Array, pieces: number[], opts?: DecodeOptions): Promise<DecodeResult>;
  /** query: window offset (default the last position; Perceiver AR clamps it into its latents). */
  attention(modelId: string, input: Uint8Array, contextLength: number, numLatents?: number, query?: number): Promise<AttentionMap>;
  /** Samples up to opts.maxBytes bytes after `prompt`, streamed through onByte; an abort stops it (result.stopped). */
  generate(modelId: string, prompt: Uint8Array, opts: GenerateOptions, onByte?: (p: GenerateProgress) => void, signal?: AbortSignal): Promise<GenerateResult>;
  /** Reads recall probes of one length, teacher-forced, in the model's worker (one forward each, or cached decoding past
   * the forward's limit: recall.ts recallPlan); streamed through onProbe; an abort stops it after the probe in progress. */
  recall(modelId: string, probes: RecallProbeInput[], opts?: { k?: number }, onProbe?: (p: RecallProbeResult) => void, signal?: AbortSignal): Promise<RecallRun>;
  /** Fresh worker per call so one point does not inherit another's buffer cache. */
  measure(modelId: string, backend: BackendName, contextLength: number, opts?: MeasureOptions, signal?: AbortSignal): Promise<MeasurePoint>;
  /** ORT's per-operator timings of warm runs, in a profiling worker of its own (timed runs stay unprofiled). */
  profile(modelId: string, backend: BackendName, contextLength: number, opts?: ProfileOptions, signal?: AbortSignal): Promise<ProfilePoint>;
  /** GFLOP/s of a plain n x n MatMul graph on the backend (default n = 1024), in a fresh worker. */
  peak(backend: BackendName, n?: number): Promise<PeakPoint>;
  sweep(spec: SweepSpec, onPoint: (p: MeasurePoint, progress: SweepProgress) => void, signal?: AbortSignal): Promise<MeasurePoint[]>;
  cache: {
    list(): Promise<{ url: string; bytes: number }[]>;
    delete(modelId: string): Promise<void>;
    clear(): Promise<void>;
  };
}

// ---- per-operator profiles (profile.ts computes them) ----

export const CATEGORIES = [
  'attention scores',
  'softmax',
  'weighted values',
  'projections and MLP',
  'masks, positions, gathers and casts',
  'layout',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface ProfiledOp {
  name: string;
  opType: string;
  category: Category;
  ms: number; // mean per window
  shape: string; // first output's dims, e.g. "1x4x256x4096"
}

export interface OpProfile {
  modelId: string;
  backend: BackendName;
  contextLength: number;
  numLatents?: number;
  windows: number; // profiled windows (after a first run and a warm-up), averaged
  runMs: number; // wall time of one window as the worker measured it: what the categories should add up to
  opsMs: number; // sum over operators
  kernels: number; // operator executions per window (ORT spends some µs between two of them)
  byCategory: Record<Category, number>;
  top: ProfiledOp[]; // the slowest operators, slowest first
  source: 'ort-trace' | 'ort-trace+gpu-timestamps';
}
