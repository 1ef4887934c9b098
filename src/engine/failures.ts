// Turns whatever onnxruntime-web, WebAssembly or WebGPU threw into a FailureKind and a sentence a user can act on.
import type { EngineFailure, FailureKind } from './types';

const RULES: [RegExp, FailureKind, string][] = [
  [/device (was )?lost|GPUDeviceLostInfo|device is lost/i, 'device-lost', 'The WebGPU device was lost'],
  [/maxBufferSize|maxStorageBufferBindingSize|exceeds the (max|limit)|buffer size .* exceeds|too large for/i, 'buffer-limit', 'A tensor is larger than the GPU allows in one buffer'],
  [/out of memory|oom|bad_alloc|failed to allocate|cannot allocate|allocation failed|Array buffer allocation|memory access out of bounds|Aborted\(\)|RangeError.*(memory|buffer)|WebAssembly\.Memory/i, 'out-of-memory', 'Out of memory'],
  // wasm32 sizes are 32-bit: a tensor of 4 GiB or more overflows ORT's size arithmetic before any allocation
  [/SafeIntOnOverflow|Integer overflow/i, 'out-of-memory', 'A tensor would exceed the 4 GiB wasm32 address space'],
  [/protobuf|failed to load model|Load model|invalid model|model format/i, 'invalid-model', 'The model file could not be loaded'],
];

export function classify(err: unknown): EngineFailure {
  const raw = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  if (err && typeof err === 'object' && 'kind' in err && typeof (err as { kind: unknown }).kind === 'string') {
    return { kind: (err as { kind: FailureKind }).kind, message: String((err as { message?: unknown }).message) };
  }
  for (const [re, kind, lead] of RULES) if (re.test(raw)) return { kind, message: `${lead}: ${raw.slice(0, 300)}` };
  return { kind: 'unknown', message: raw.slice(0, 400) };
}
