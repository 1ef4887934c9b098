// Cached-decoding state kept in GPU buffers on ORT's WebGPU device for a whole generation (issue 21): fed back with
// Tensor.fromGpuBuffer (no upload), the rows each step computes copied in on the GPU (copyBufferToBuffer), destroyed
// when the decoder is. WebGPU API only; onnxruntime-web stays in ort.ts.
//
// Ordering: a step's new rows come back as gpu-buffer outputs of a run whose logits are a CPU output; reading the
// logits makes ORT submit every command of the run, so the copies below, submitted after the run, see its results.
// The output buffers are released to ORT's pool right after the copies are submitted: ORT's later writes to them are
// submitted later, and the queue runs in order.
import type { GpuFeed, StepOut, StateStore } from './stepRunner';

const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
const F32 = 4;

export function gpuStore(device: GPUDevice, dims: number[], label: string): StateStore {
  // zero-filled by WebGPU: the one zero row fed before any is written
  const buffer = device.createBuffer({ label, size: Math.max(size(dims) * F32, 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  /** Copies `count` floats of `src` at `from` to this state at `to` (floats); CPU rows are written instead. */
  const copies = (o: StepOut, parts: { from: number; to: number; count: number }[]) => {
    if ('gpuBuffer' in o) {
      const enc = device.createCommandEncoder();
      for (const p of parts) enc.copyBufferToBuffer(o.gpuBuffer, p.from * F32, buffer, p.to * F32, p.count * F32);
      device.queue.submit([enc.finish()]);
      o.dispose();
    } else for (const p of parts) device.queue.writeBuffer(buffer, p.to * F32, o.data, p.from, p.count);
  };
  return {
    bytes: size(dims) * F32,
    feed: (fed): GpuFeed => ({ gpuBuffer: buffer, dims: fed }),
    async write(o, rowDims, at, axis) {
      const outer = size(dims.slice(0, axis));
      const inner = size(dims.slice(axis + 1));
      const n = rowDims[axis];
      copies(o, Array.from({ length: outer }, (_, k) => ({ from: k * n * inner, to: (k * dims[axis] + at) * inner, count: n * inner })));
    },
    async replace(o) {
      copies(o, [{ from: 0, to: 0, count: size(dims) }]);
    },
    move(from, to, count, axis) {
      // a buffer cannot be both a copy's source and destination: through a scratch buffer
      const inner = size(dims.slice(axis + 1));
      const outer = size(dims.slice(0, axis));
      const scratch = device.createBuffer({ size: outer * count * inner * F32, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      const enc = device.createCommandEncoder();
      for (let k = 0; k < outer; k++) enc.copyBufferToBuffer(buffer, (k * dims[axis] + from) * inner * F32, scratch, k * count * inner * F32, count * inner * F32);
      for (let k = 0; k < outer; k++) enc.copyBufferToBuffer(scratch, k * count * inner * F32, buffer, (k * dims[axis] + to) * inner * F32, count * inner * F32);
      device.queue.submit([enc.finish()]);
      scratch.destroy();
    },
    dispose() {
      buffer.destroy(); // idempotent (a generation releases its state before reading the memory, and again in finally)
    },
  };
}
