// The one module that imports onnxruntime-web. Each session uses exactly one execution provider, so the
// backend that ran is the backend that was asked for (listing ['webgpu', 'wasm'] would fall back silently).
import type * as OrtTypes from 'onnxruntime-web';
import { wasmThreadsHere } from './isolation';
import type { BackendName } from './types';
import type { GraphIO, GraphTensor } from './userModel';

type Ort = typeof OrtTypes;

export interface TensorIn {
  dtype: 'int64' | 'float32';
  data: BigInt64Array | Float32Array;
  dims: number[];
}
export interface TensorOut {
  data: Float32Array;
  dims: number[];
}

export interface Session {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, TensorIn>): Promise<Record<string, TensorOut>>;
  release(): Promise<void>;
  /** The WebGPU device ORT created, when backend is webgpu (for device-lost handling). */
  device(): Promise<GPUDevice | undefined>;
  wasmThreads: number;
  /** The graph's inputs and outputs: names, element types and shapes (ORT's metadata; names only where it has none). */
  io(): GraphIO;
}

/** JSEP ('onnxruntime-web') or the native C++ WebGPU EP ('onnxruntime-web/webgpu'); see engine/README.md. */
async function loadOrt(backend: BackendName, webgpuImpl: 'jsep' | 'native'): Promise<Ort> {
  if (backend === 'webgpu' && webgpuImpl === 'native') return (await import('onnxruntime-web/webgpu')) as unknown as Ort;
  return (await import('onnxruntime-web')) as unknown as Ort;
}

/** A file an ONNX graph reads its weights from (ONNX external data): `path` as the graph names it. */
export interface ExternalFile {
  path: string;
  data: Uint8Array;
}

export async function createSession(
  model: Uint8Array,
  backend: BackendName,
  opts: { wasmThreads: number; webgpuImpl: 'jsep' | 'native'; externalData?: ExternalFile[] },
): Promise<Session> {
  const ort = await loadOrt(backend, opts.webgpuImpl);
  // Without cross-origin isolation there is no SharedArrayBuffer: ORT would silently use one thread anyway.
  const threads = wasmThreadsHere(opts.wasmThreads);
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false; // we are already in our own worker
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(model, {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
    externalData: opts.externalData, // a step graph reads its weights from the forward graph's bytes
  });
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    wasmThreads: threads,
    async run(feeds) {
      const tensors: Record<string, OrtTypes.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) tensors[name] = new ort.Tensor(t.dtype, t.data, t.dims);
      const out = await session.run(tensors);
      const result: Record<string, TensorOut> = {};
      for (const [name, t] of Object.entries(out)) {
        result[name] = { data: (await t.getData()) as Float32Array, dims: [...t.dims] };
        t.dispose();
      }
      return result;
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
  };
}
