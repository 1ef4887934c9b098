// The engine's one error type (EngineError: a FailureKind and a sentence a user can act on), and classify(), which
// turns whatever onnxruntime-web, WebAssembly or WebGPU threw into one. Replies carry failures as EngineFailure.

export type FailureKind =
  | 'out-of-memory'
  | 'buffer-limit'
  | 'device-lost'
  | 'invalid-model'
  | 'over-limit'
  | 'bad-input'
  | 'webgpu-unavailable'
  | 'cancelled'
  | 'skipped' // not run, on purpose (e.g. a sweep's one-shot forward past its limit, where only decoding is measured)
  | 'unknown';

export interface EngineFailure {
  kind: FailureKind;
  message: string; // plain words a user can act on
}

export class EngineError extends Error {
  constructor(
    public readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

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
  if (err instanceof EngineError) return { kind: err.kind, message: err.message };
  for (const [re, kind, lead] of RULES) if (re.test(raw)) return { kind, message: `${lead}: ${raw.slice(0, 300)}` };
  return { kind: 'unknown', message: raw.slice(0, 400) };
}
