// A decoder's one-byte step replayed from a captured WebGPU graph (issue 21; onnxruntime-web's enableGraphCapture).
// The first run records the step's GPU commands and every later run replays them with no per-kernel work on the CPU.
// What capture needs, and how it is met:
//   - every node on the GPU: the step's position `past` is int32 (JSEP has no int64 Cast) and every symbolic dim is
//     fixed when the session is made (ort.ts SessionOptions.capture: one new byte, the state at its capacity), so
//     ORT folds the shape ops away;
//   - every input and output a GPU buffer, the same buffers every run: the byte and `past` are written into two small
//     buffers here, the state is fed whole from its buffers (stepRunner: rows at or past `past` are masked by the
//     graph), and the new rows and logits land in buffers made here once.
// The cost: a captured step reads the state at its capacity, not only its valid rows (fixed shapes). WebGPU API only;
// onnxruntime-web stays in ort.ts.
import { kindOfModel } from '../catalog/facts';
import type { Manifest, StepSpec } from '../catalog/manifest';
import type { Feed } from '../catalog/kinds/types';
import type { Session } from './ort';
import type { BoundRunFn, GpuFeed, StepOut } from './stepRunner';

/** A session made with SessionOptions.capture. */
export type RunInto = Session['runInto'];

const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** The symbolic dims a captured step is made with: one new byte, the state's rows at its capacity. */
export const capturedDims = (capacity: number) => ({ new: 1, cached: capacity });

/** Why a model's step cannot be captured (undefined: it can): its attention kind says so (shapes that follow the
 * position), or its step graph takes more than one byte, an int32 position and the state, or has a symbolic dim
 * that capturedDims does not fix. */
export function uncapturable(m: Manifest): string | undefined {
  const step = m.step;
  if (!step) return 'it has no step graph';
  const why = kindOfModel(m).uncaptured;
  if (why) return why;
  const extra = step.inputs.filter((t) => t.name !== 'tokens' && t.name !== 'past' && !step.state.some((s) => s.name === t.name));
  if (extra.length) return `its step graph takes ${extra.map((t) => t.name).join(', ')} besides the byte, its position and the state`;
  if (step.inputs.find((t) => t.name === 'past')?.dtype !== 'int32') return 'its step graph takes its position as int64 (WebGPU has no int64 kernels for it)';
  const dims = new Set([...step.inputs, ...step.outputs].flatMap((t) => t.dims.filter((d): d is string => typeof d === 'string')));
  const other = [...dims].filter((d) => !(d in capturedDims(1)));
  if (other.length) return `its step graph has dims (${other.join(', ')}) a captured step cannot fix`;
  return undefined;
}

export interface CapturedStep {
  run: BoundRunFn;
  dispose(): void;
}

export function capturedStep(device: GPUDevice, runInto: RunInto, step: StepSpec, capacity: number): CapturedStep {
  const dims = (d: readonly (number | string)[]) => d.map((x) => (typeof x === 'number' ? x : (capturedDims(capacity) as Record<string, number>)[x] ?? NaN));
  const buffers: GPUBuffer[] = [];
  const buffer = (bytes: number, usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST) => {
    const b = device.createBuffer({ size: Math.max(bytes, 16), usage });
    buffers.push(b);
    return b;
  };
  const tokens = buffer(8);
  const past = buffer(4);
  const outputs = Object.fromEntries(step.outputs.map((t) => [t.name, { gpuBuffer: buffer(4 * size(dims(t.dims))), dims: dims(t.dims) }]));
  const logits = outputs.logits;
  const readback = buffer(4 * size(logits.dims), GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);

  const run: BoundRunFn = async (feeds) => {
    const { tokens: t, past: p, ...state } = feeds as Record<string, Feed | GpuFeed>;
    if (!t || 'gpuBuffer' in t || t.data.length !== 1 || !p || 'gpuBuffer' in p) throw new Error('a captured step takes one byte at a time');
    device.queue.writeBuffer(tokens, 0, t.data as BigInt64Array);
    device.queue.writeBuffer(past, 0, p.data as Int32Array);
    await runInto(
      { tokens: { gpuBuffer: tokens, dims: [1, 1], dtype: 'int64' }, past: { gpuBuffer: past, dims: [], dtype: 'int32' }, ...(state as Record<string, GpuFeed>) },
      outputs,
    );
    // the replay's commands are submitted when run() returns; this copy is submitted after them
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(logits.gpuBuffer, 0, readback, 0, 4 * size(logits.dims));
    device.queue.submit([enc.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const data = new Float32Array(readback.getMappedRange().slice(0));
    readback.unmap();
    const out: Record<string, StepOut> = { logits: { data, dims: logits.dims } };
    for (const [name, o] of Object.entries(outputs))
      if (name !== 'logits') out[name] = { gpuBuffer: o.gpuBuffer, dims: o.dims, download: () => Promise.reject(new Error('not read back')), dispose: () => undefined };
    return out;
  };
  return { run, dispose: () => buffers.forEach((b) => b.destroy()) };
}
