// The one module that imports onnxruntime-web. Each session uses exactly one execution provider, so the
// backend that ran is the backend that was asked for (listing ['webgpu', 'wasm'] would fall back silently).
import type * as OrtTypes from 'onnxruntime-web';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import jsepUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import asyncifyUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { wasmThreadsHere } from './isolation';
import { wasmBuffers } from './memory';
import type { GpuKernelRecord } from './profile';
import type { BackendName, EpBuild } from './types';
import type { GraphIO, GraphTensor } from './userModel';

type Ort = typeof OrtTypes;

/**
 * Which onnxruntime-web bundle runs a session (recorded with every result as its provenance's `ep`): the plain WASM
 * build for the WASM backend (its binary is half the JSEP one's: 14 vs 28 MB to fetch and instantiate, same CPU
 * kernels), JSEP ('onnxruntime-web') or the native WebGPU EP ('onnxruntime-web/webgpu') for WebGPU.
 */
export const buildOf = (backend: BackendName, webgpuImpl: 'jsep' | 'native'): EpBuild =>
  backend === 'wasm' ? 'wasm' : webgpuImpl === 'native' ? 'webgpu-native' : 'webgpu-jsep';

const BINARIES: Record<EpBuild, string> = { wasm: wasmUrl, 'webgpu-jsep': jsepUrl, 'webgpu-native': asyncifyUrl };

async function loadOrt(build: EpBuild): Promise<Ort> {
  if (build === 'wasm') return (await import('onnxruntime-web/wasm')) as unknown as Ort;
  if (build === 'webgpu-native') return (await import('onnxruntime-web/webgpu')) as unknown as Ort;
  return (await import('onnxruntime-web')) as unknown as Ort;
}

const compiled = new Map<EpBuild, Promise<WebAssembly.Module | undefined>>();

/**
 * The build's WebAssembly module, compiled once per page and handed to every worker (page side). A worker that
 * instantiates a shared Module skips the compile and inherits the optimised code earlier runs tiered up to:
 * measured, a fresh worker's session took 0.3 s instead of 1.5 s and its first run 0.16 s instead of 0.56 s
 * (src/engine/README.md). Undefined when it cannot be compiled here: the worker then compiles its own.
 */
export function sharedWasmModule(build: EpBuild): Promise<WebAssembly.Module | undefined> {
  let m = compiled.get(build);
  if (!m) {
    m = WebAssembly.compileStreaming(fetch(BINARIES[build])).catch(() => undefined);
    compiled.set(build, m);
  }
  return m;
}

let instantiatingShared = false;
/**
 * onnxruntime-web has no option for a precompiled module (only `wasmBinary`, bytes it compiles again), but its
 * Emscripten loader instantiates through WebAssembly.instantiateStreaming: in this worker, that call gets the
 * shared module. Pthread workers receive the module from the loader, as always.
 */
function useSharedModule(module: WebAssembly.Module): void {
  if (instantiatingShared) return;
  instantiatingShared = true;
  WebAssembly.instantiateStreaming = async (_source, imports) => ({ module, instance: await WebAssembly.instantiate(module, imports) });
}

// ORT's WASM profiler prints its trace through the Emscripten loader's stdout, which is console.log as it was
// when the loader was created. In a profiling worker console.log is replaced before onnxruntime-web is imported,
// so endProfiling's lines can be collected.
let traceSink: ((line: string) => void) | undefined;
function captureConsole(): void {
  if ((console.log as { capturing?: boolean }).capturing) return;
  const log = console.log.bind(console);
  const capturing = (...args: unknown[]) => (traceSink ? traceSink(args.join(' ')) : log(...args));
  console.log = Object.assign(capturing, { capturing: true });
}

/**
 * Copies into the WASM heap, metered: onnxruntime-web copies each CPU input into its heap on every run (wasm-core-impl
 * prepareInputOutputTensor: _malloc, then HEAPU8.set). Once installed (measurement workers only), every
 * Uint8Array.set whose target is a WebAssembly memory is timed; the reader gives the totals so far.
 */
let heapCopies: { ms: number; bytes: number } | undefined;
export function meterHeapCopies(): () => { ms: number; bytes: number } {
  if (!heapCopies) {
    const totals = (heapCopies = { ms: 0, bytes: 0 });
    const set = Uint8Array.prototype.set;
    const isHeap = (b: ArrayBufferLike) => wasmBuffers().includes(b);
    Uint8Array.prototype.set = function (this: Uint8Array, src: ArrayLike<number>, offset?: number) {
      if (src.length < 1 << 16 || !isHeap(this.buffer)) return set.call(this, src, offset);
      const t = performance.now();
      set.call(this, src, offset);
      totals.ms += performance.now() - t;
      totals.bytes += src.length;
    };
  }
  const totals = heapCopies;
  return () => ({ ...totals });
}

export interface TensorIn {
  dtype: 'int64' | 'float32' | 'int32' | 'float16' | 'bool'; // the last three: Hub decoders (ids, caches, use_cache_branch)
  data: BigInt64Array | Float32Array | Int32Array | Uint16Array | Uint8Array;
  dims: number[];
}
export interface TensorOut {
  data: Float32Array; // a float32 output's; another `type`'s typed array otherwise (a Hub decoder's float16 cache)
  dims: number[];
  type: string;
}
/** A tensor in a GPU buffer on ORT's WebGPU device: fed without an upload (its first dims' elements; float32 unless
 * said: a Hub decoder's cache may be float16). */
export interface GpuTensorIn {
  gpuBuffer: GPUBuffer;
  dims: number[];
  dtype?: 'float32' | 'float16' | 'int64' | 'int32';
}
/** An output left on the GPU (the session's gpuOutputs): the caller copies what it needs, then disposes it. */
export interface GpuTensorOut {
  gpuBuffer: GPUBuffer;
  dims: number[];
  type: string;
  download(): Promise<Float32Array>;
  dispose(): void;
}
export const onGpu = (t: TensorIn | GpuTensorIn | TensorOut | GpuTensorOut): t is GpuTensorIn | GpuTensorOut => 'gpuBuffer' in t;

export interface Session {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, TensorIn>): Promise<Record<string, TensorOut>>;
  /** WebGPU IO binding: inputs may be GPU buffers; the outputs named in gpuOutputs stay on the GPU. */
  runBound(feeds: Record<string, TensorIn | GpuTensorIn>): Promise<Record<string, TensorOut | GpuTensorOut>>;
  /** A captured session (SessionOptions.capture): every input and output a GPU buffer, the same buffers every run;
   * the first run records the graph's GPU commands, the later ones replay them. */
  runInto(feeds: Record<string, GpuTensorIn>, outputs: Record<string, GpuTensorIn>): Promise<void>;
  release(): Promise<void>;
  /** The WebGPU device ORT created, when backend is webgpu (for device-lost handling). */
  device(): Promise<GPUDevice | undefined>;
  wasmThreads: number;
  /** Profiling sessions only: ORT's trace lines so far (ends profiling), and JSEP's GPU kernel records. */
  endProfiling?(): string[];
  gpuKernels?: GpuKernelRecord[];
  /** The graph's inputs and outputs: names, element types and shapes (ORT's metadata; names only where it has none). */
  io(): GraphIO;
}

export interface SessionOptions {
  wasmThreads: number;
  webgpuImpl: 'jsep' | 'native';
  wasmModule?: WebAssembly.Module;
  profile?: boolean;
  externalData?: ExternalFile[];
  /** WebGPU: outputs left on the GPU (preferredOutputLocation 'gpu-buffer'); the others come back to the CPU. */
  gpuOutputs?: string[];
  /** WebGPU (JSEP): graph capture, every symbolic dim fixed to these sizes (src/engine/capturedStep.ts). */
  capture?: Record<string, number>;
}

/** A file an ONNX graph reads its weights from (ONNX external data): `path` as the graph names it. */
export interface ExternalFile {
  path: string;
  data: Uint8Array;
}

export async function createSession(model: Uint8Array, backend: BackendName, opts: SessionOptions): Promise<Session> {
  const build = buildOf(backend, opts.webgpuImpl);
  if (opts.profile) captureConsole();
  if (opts.wasmModule) useSharedModule(opts.wasmModule);
  const ort = await loadOrt(build);
  // Without cross-origin isolation there is no SharedArrayBuffer: ORT would silently use one thread anyway.
  const threads = wasmThreadsHere(opts.wasmThreads);
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false; // we are already in our own worker
  ort.env.logLevel = 'error';
  // JSEP's per-kernel GPU timestamps (needs the adapter's timestamp-query feature); the native EP ignores this
  // hook and puts its GPU times into ORT's trace instead
  const gpuKernels: GpuKernelRecord[] | undefined = opts.profile && build === 'webgpu-jsep' ? [] : undefined;
  if (gpuKernels) ort.env.webgpu.profiling = { mode: 'default', ondata: (d) => void gpuKernels.push(d) };
  const session = await ort.InferenceSession.create(model, {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
    // errors only: ORT's session warnings (e.g. "some nodes were not assigned to the preferred execution providers"
    // on WebGPU, where shape ops stay on the CPU by design) reach the console with raw terminal colour codes. Left
    // as it was in a profiling session, whose trace is read from ORT's own output.
    ...(opts.profile ? {} : { logSeverityLevel: 3 as const }),
    enableProfiling: !!opts.profile,
    externalData: opts.externalData, // a step graph reads its weights from the forward graph's bytes
    ...(backend === 'webgpu' && opts.gpuOutputs?.length && { preferredOutputLocation: Object.fromEntries(opts.gpuOutputs.map((n) => [n, 'gpu-buffer' as const])) }),
    ...(opts.capture && {
      // Fixed dims let ORT fold every shape op, so no node is left on the CPU (capture needs all on the GPU).
      freeDimensionOverrides: opts.capture,
      enableGraphCapture: true,
      // MatMul + Add -> Gemm wraps the Gemm in Reshapes, and a Reshape into a bound output is a buffer copy, which
      // JSEP does not record: replays would leave that output (the logits) as the first run wrote it.
      extra: { optimization: { disable_specified_optimizers: 'MatMulAddFusion' } },
    }),
  });
  const toCpu = async (t: OrtTypes.Tensor): Promise<TensorOut> => {
    const out = { data: (await t.getData()) as Float32Array, dims: [...t.dims], type: t.type };
    t.dispose();
    return out;
  };
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    wasmThreads: threads,
    async run(feeds) {
      const tensors: Record<string, OrtTypes.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) tensors[name] = new ort.Tensor(t.dtype, t.data as Float32Array, t.dims);
      const out = await session.run(tensors);
      const result: Record<string, TensorOut> = {};
      for (const [name, t] of Object.entries(out)) result[name] = await toCpu(t);
      return result;
    },
    async runBound(feeds) {
      const tensors: Record<string, OrtTypes.Tensor> = {};
      for (const [name, t] of Object.entries(feeds))
        tensors[name] = onGpu(t) ? ort.Tensor.fromGpuBuffer(t.gpuBuffer, { dataType: t.dtype ?? 'float32', dims: t.dims }) : new ort.Tensor(t.dtype, t.data as Float32Array, t.dims);
      const out = await session.run(tensors);
      const result: Record<string, TensorOut | GpuTensorOut> = {};
      for (const [name, t] of Object.entries(out))
        result[name] =
          t.location === 'gpu-buffer'
            ? { gpuBuffer: t.gpuBuffer, dims: [...t.dims], type: t.type, download: async () => (await t.getData()) as Float32Array, dispose: () => t.dispose() }
            : await toCpu(t);
      return result;
    },
    async runInto(feeds, outputs) {
      const bind = (ts: Record<string, GpuTensorIn>) =>
        Object.fromEntries(Object.entries(ts).map(([name, t]) => [name, ort.Tensor.fromGpuBuffer(t.gpuBuffer, { dataType: t.dtype ?? 'float32', dims: t.dims })]));
      await session.run(bind(feeds), bind(outputs));
    },
    io() {
      const tensors = (names: readonly string[], meta?: readonly OrtTypes.InferenceSession.ValueMetadata[]): GraphTensor[] =>
        names.map((name, i) => {
          const m = meta?.[i];
          return m?.isTensor ? { name, dtype: m.type, dims: [...m.shape] } : { name };
        });
      return { inputs: tensors(session.inputNames, session.inputMetadata), outputs: tensors(session.outputNames, session.outputMetadata) };
    },
    release: () => session.release(),
    async device() {
      if (backend !== 'webgpu') return undefined;
      try {
        return (await ort.env.webgpu.device) as GPUDevice;
      } catch {
        return undefined;
      }
    },
    ...(opts.profile && {
      gpuKernels,
      endProfiling() {
        const lines: string[] = [];
        traceSink = (l) => lines.push(l);
        try {
          session.endProfiling();
        } finally {
          traceSink = undefined;
        }
        return lines;
      },
    }),
  };
}
