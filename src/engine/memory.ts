// What memory the platform lets us measure, from inside a model's worker.
// - GPU: bytes requested through GPUDevice.createBuffer minus GPUBuffer.destroy (and buffers collected without
//   destroy, via FinalizationRegistry): live and peak. Buffers are rounded up and pooled by ORT, so this is
//   "allocated", not "used". Installed before the session exists so ORT's own device is metered.
// - WASM: size of the WebAssembly.Memory that ORT creates (captured by wrapping the constructor); it only grows.
// - JS heap: performance.memory, Chromium only, absent in most workers.
import type { MemoryReading } from './types';

let live = 0;
let peak = 0;
const sizes = new WeakMap<GPUBuffer, number>();
const memories: WebAssembly.Memory[] = [];
let installed = false;

export function installMeters(): void {
  if (installed) return;
  installed = true;
  const OrigMemory = WebAssembly.Memory;
  const Wrapped = function (this: unknown, desc: WebAssembly.MemoryDescriptor) {
    const m = new OrigMemory(desc);
    memories.push(m);
    return m;
  } as unknown as typeof WebAssembly.Memory;
  Wrapped.prototype = OrigMemory.prototype;
  (WebAssembly as { Memory: typeof WebAssembly.Memory }).Memory = Wrapped;

  if (typeof GPUDevice === 'undefined') return;
  const collected = new FinalizationRegistry<number>((bytes) => (live -= bytes));
  const createBuffer = GPUDevice.prototype.createBuffer;
  GPUDevice.prototype.createBuffer = function (desc: GPUBufferDescriptor) {
    const buf = createBuffer.call(this, desc);
    sizes.set(buf, desc.size);
    collected.register(buf, desc.size, buf);
    live += desc.size;
    peak = Math.max(peak, live);
    return buf;
  };
  const destroy = GPUBuffer.prototype.destroy;
  GPUBuffer.prototype.destroy = function () {
    const size = sizes.get(this);
    if (size !== undefined) {
      live -= size;
      sizes.delete(this);
      collected.unregister(this);
    }
    return destroy.call(this);
  };
}

/** The buffers of this worker's WebAssembly memories (ORT's heap among them). */
export const wasmBuffers = (): ArrayBufferLike[] => memories.map((m) => m.buffer);

export function resetPeak(): void {
  peak = live;
}

export function readMemory(gpu: boolean): MemoryReading {
  const reading: MemoryReading = {};
  if (gpu) {
    reading.gpuAllocatedLiveBytes = live;
    reading.gpuAllocatedPeakBytes = peak;
  }
  const heap = memories.reduce((s, m) => s + m.buffer.byteLength, 0);
  if (heap > 0) reading.wasmHeapBytes = heap;
  const perf = performance as Performance & { memory?: { usedJSHeapSize: number } };
  if (perf.memory) reading.jsHeapBytes = perf.memory.usedJSHeapSize;
  return reading;
}
