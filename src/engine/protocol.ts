// Typed messages between the page (modelWorker.ts's call(), used by client.ts, measure.ts, decoding.ts, ...) and a
// model worker (worker.ts, which dispatches to one handler per capability under ./handlers). ONE table says, per
// request type, what the request carries, what its reply carries and what progress it streams; the unions, the
// runtime guards and call()'s return type are derived from it. Every request carries an id; the worker answers with
// the same id, either the request's reply or an `error` (a generation first streams progress; a stop is answered by
// the generation it ends).
import type { Manifest } from '../catalog/manifest';
import type { BackendName, DecodeOptions, DeviceInfo, EngineFailure, GenerateOptions, MemoryReading, TopByte } from './types';
import type { GraphIO } from './userModel';
import type { RunPolicy } from './stats';
import type { OpProfile } from './profile';
import type { DecoderOptions } from './stepRunner';
import type { AnswerSpan, ReadPlan } from './recallProbe';

/** What a model reads: bytes for the bundled models, token ids for a Hub decoder (src/engine/hub.ts). */
export type Tokens = Uint8Array | Int32Array;

/** What a worker is told to load a session with (load, peak). */
interface SessionSettings {
  backend: BackendName;
  wasmThreads: number;
  webgpuImpl: 'jsep' | 'native';
  wasmModule?: WebAssembly.Module; // the build's module, compiled once by the page (see ort.ts)
}

/** Request type -> request body, reply (its type name and body) and progress (streamed before the reply). */
export interface Table {
  /** Opens the model's forward session. */
  load: {
    request: SessionSettings & {
      manifest: Manifest;
      model: ArrayBuffer; // transferred
      externalData?: { path: string; data: ArrayBuffer }[]; // a Hub decoder's weights, as its graph names them (transferred)
      profile?: boolean; // a profiling worker: the session records ORT's per-operator timings
      warm?: boolean; // run one forward on a short window before replying: the page's workers, never a measurement's
    };
    reply: {
      type: 'loaded';
      backend: BackendName;
      webgpuImpl?: 'jsep' | 'native';
      wasmThreads: number;
      loadMs: number;
      warmMs?: number; // the warm-up forward, when asked for
      inputNames: string[];
      outputNames: string[];
      device?: DeviceInfo; // the GPU device the session runs on (WebGPU only)
    };
  };
  /** Opens the model's step graph (cached decoding) next to its forward session; its weights are the model's bytes. */
  loadStep: {
    request: { step: ArrayBuffer }; // transferred
    reply: { type: 'stepLoaded'; loadMs: number; inputNames: string[]; outputNames: string[] };
  };
  /** A person's own graph: open it on WASM, report its inputs and outputs, close it (userModel.ts recognises the layout). */
  inspect: {
    request: { model: ArrayBuffer; wasmThreads: number }; // model transferred
    reply: { type: 'inspected'; io: GraphIO };
  };
  /** Surprisal of every covered byte of a window and the next byte's distribution. */
  predict: {
    request: { window: Tokens; numLatents?: number };
    reply: { type: 'predicted'; coveredStart: number; surprisalBits: Float32Array; top: TopByte[][]; nextTop: TopByte[]; latencyMs: number };
  };
  /** Timed forwards over a window. */
  measure: {
    request: { window: Tokens; numLatents?: number; policy: RunPolicy };
    reply: { type: 'measured'; firstRunMs: number; samplesMs: number[]; memory: MemoryReading };
  };
  /** A profiling worker: first run, one warm-up, then `windows` profiled windows. */
  profile: {
    request: { window: Tokens; numLatents?: number; windows: number };
    reply: { type: 'profiled'; profile: Pick<OpProfile, 'windows' | 'runMs' | 'opsMs' | 'kernels' | 'byCategory' | 'top' | 'source'> };
  };
  /** Times C = A·B of n x n float32 matrices (matmulGraph.ts) in a worker of its own: the backend's reference speed. */
  peak: {
    request: SessionSettings & { n: number; policy: RunPolicy };
    // copyMs: the same bytes copied between two typed arrays (copyBytes each), as ORT copies each input into its heap
    reply: { type: 'peaked'; wasmThreads: number; device?: DeviceInfo; firstRunMs: number; samplesMs: number[]; copyBytes: number; copyMs: number[] };
  };
  /** Cached decoding of given bytes: appended piece by piece through the step graph (stepRunner.ts). */
  decode: {
    request: { bytes: Tokens; pieces: number[]; options: Omit<DecoderOptions, 'gpu'> & Pick<DecodeOptions, 'gpuState'> }; // pieces: lengths summing to bytes.length, e.g. [prompt, 1, 1, ...]
    reply: {
      type: 'decoded';
      lastLogits: Float32Array; // pieces x V: the row after each piece (it predicts the next byte)
      pieceMs: number[];
      refills: number;
      latentsAfter: number[]; // Perceiver AR: latents cached after each piece (0 for the others)
      stateBytes: number;
      capacity: number;
      stateOn: 'cpu' | 'gpu';
      captured: boolean;
      memory: MemoryReading;
    };
  };
  /** Generation (generation.ts): streams a `generating` progress per byte, ends with `generated` (or `error`). */
  generate: {
    request: { prompt: Tokens; options: GenerateOptions };
    reply: {
      type: 'generated';
      stopped: boolean;
      refills: number;
      numLatents?: number;
      refillTo?: number;
      stateBytes?: number;
      capacity?: number;
      stateOn?: 'cpu' | 'gpu';
      captured?: boolean;
      memory: MemoryReading;
    };
    // copyMs, copyBytes: with options.meterCopies, onnxruntime-web's copies into the WASM heap during this byte
    progress: { type: 'generating'; byte: number; ms: number; latents?: number; refills: number; copyMs?: number; copyBytes?: number };
  };
  /** Recall probes (src/tasks), teacher-forced (recallProbe.ts): streams a `recalling` progress per probe with each
   * answer byte's top guesses, ends with `recalled` (or `error`). */
  recall: {
    request: { probes: { bytes: Uint8Array; answers: AnswerSpan[] }[]; plan: ReadPlan; k: number };
    reply: { type: 'recalled'; stopped: boolean; memory: MemoryReading };
    progress: { type: 'recalling'; index: number; predicted: Uint8Array; top: TopByte[][]; ms: number };
  };
  /** Asks the generation (or recall run) `target` to end after the byte (probe) in progress; it answers with its reply. */
  stop: {
    request: { target: number };
    reply: never;
  };
  /** Where one query position reads, from the model's analysis graph (its own session, never the timed one). */
  attention: {
    request: {
      graph: ArrayBuffer; // attention.onnx (transferred), its weights read from the forward graph's bytes; one session per sha256
      sha256: string;
      window: Uint8Array;
      numLatents?: number;
      query: number; // window offset of the query position
    };
    reply: { type: 'attended'; weights: Float32Array }; // one weight per window position, summing to 1 (heads averaged)
  };
}

export type RequestType = keyof Table;
type Id = { id: number };
type Entry<T extends RequestType> = Table[T];
/** A request of type T as sent (call() adds the id). */
export type RequestBody<T extends RequestType> = { type: T } & Entry<T>['request'];
export type RequestOf<T extends RequestType> = RequestBody<T> & Id;
/** What the worker answers a request of type T with; ReplyBody without the id. */
export type ReplyBody<T extends RequestType> = Entry<T>['reply'];
export type ReplyOf<T extends RequestType> = ReplyBody<T> & Id;
/** What a request of type T streams before its reply (never for most). */
export type ProgressOf<T extends RequestType> = (Entry<T> extends { progress: infer P } ? P : never) & Id;

export interface ErrorReply {
  type: 'error';
  id: number; // -1: not tied to a request (e.g. the WebGPU device was lost)
  failure: EngineFailure;
}

type Union<F extends { [T in RequestType]: unknown }> = F[RequestType];
export type Request = Union<{ [T in RequestType]: RequestOf<T> }>;
export type Reply = Union<{ [T in RequestType]: ReplyOf<T> | ProgressOf<T> }> | ErrorReply;

// The runtime half of the table: each request type's reply and progress names. `satisfies` makes it list exactly the
// table's request types with exactly their names, so the guards below cannot drift from the types.
type Names = { [T in RequestType]: { reply: ReplyBody<T>['type'] | null; progress?: Entry<T> extends { progress: { type: infer N } } ? N : never } };
const NAMES = {
  load: { reply: 'loaded' },
  loadStep: { reply: 'stepLoaded' },
  inspect: { reply: 'inspected' },
  predict: { reply: 'predicted' },
  measure: { reply: 'measured' },
  profile: { reply: 'profiled' },
  peak: { reply: 'peaked' },
  decode: { reply: 'decoded' },
  generate: { reply: 'generated', progress: 'generating' },
  recall: { reply: 'recalled', progress: 'recalling' },
  stop: { reply: null },
  attention: { reply: 'attended' },
} as const satisfies Names;

const REQUEST_TYPES = new Set<string>(Object.keys(NAMES));
const entries = Object.values(NAMES) as { reply: string | null; progress?: string }[];
/** Replies that report progress: the request they answer is still running. */
export const PROGRESS_TYPES = new Set<string>(entries.flatMap((e) => (e.progress ? [e.progress] : [])));
const REPLY_TYPES = new Set<string>(['error', ...PROGRESS_TYPES, ...entries.flatMap((e) => (e.reply ? [e.reply] : []))]);

const isMessage = (x: unknown, types: Set<string>) =>
  typeof x === 'object' && x !== null && types.has((x as { type: string }).type) && Number.isInteger((x as { id: unknown }).id);

export const isRequest = (x: unknown): x is Request => isMessage(x, REQUEST_TYPES);
export const isReply = (x: unknown): x is Reply => isMessage(x, REPLY_TYPES);
export const isProgress = (r: Reply): boolean => PROGRESS_TYPES.has(r.type);
