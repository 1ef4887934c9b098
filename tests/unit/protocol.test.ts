import { describe, expect, it } from 'vitest';
import { isReply, isRequest } from '../../src/engine/protocol';
import { classify } from '../../src/engine/failures';
import { EngineError } from '../../src/engine/types';

describe('worker protocol', () => {
  it('accepts well-formed messages and rejects others', () => {
    expect(isRequest({ type: 'predict', id: 3, window: new Uint8Array(2) })).toBe(true);
    expect(isRequest({ type: 'predict' })).toBe(false);
    expect(isRequest({ type: 'shutdown', id: 1 })).toBe(false);
    expect(isRequest(null)).toBe(false);
    expect(isReply({ type: 'error', id: -1, failure: { kind: 'device-lost', message: 'x' } })).toBe(true);
    expect(isReply({ type: 'loaded', id: 1.5 })).toBe(false);
  });
  it('survives structured cloning', () => {
    const msg = { type: 'measure', id: 9, window: Uint8Array.from([1, 2]), policy: { warmupRuns: 1, minRuns: 1, minTimeMs: 0, maxRuns: 1 } };
    expect(isRequest(structuredClone(msg))).toBe(true);
  });
});

describe('failure classification', () => {
  it.each([
    [new RangeError('WebAssembly.Memory(): could not allocate memory'), 'out-of-memory'],
    [new Error('failed to allocate a buffer of size 4294967296'), 'out-of-memory'],
    [new Error("Buffer size (2147483648) exceeds the max buffer size limit (1073741824)"), 'buffer-limit'],
    [new Error('The WebGPU device was lost'), 'device-lost'],
    [new Error("Can't create a session. failed to load model: protobuf parsing failed"), 'invalid-model'],
    [new Error('failed to call OrtRun(). ERROR_CODE: 1, ERROR_MESSAGE: onnxruntime/core/common/safeint.h:17 SafeIntOnOverflow() Integer overflow'), 'out-of-memory'],
    [new Error('failed to call OrtRun(). ERROR_CODE: 2, ERROR_MESSAGE: onnxruntime shape mismatch'), 'unknown'],
    [new Error('something else'), 'unknown'],
  ])('%s -> %s', (err, kind) => expect(classify(err).kind).toBe(kind));
  it('keeps an EngineError as it is', () => {
    expect(classify(new EngineError('bad-input', 'empty'))).toEqual({ kind: 'bad-input', message: 'empty' });
  });
});
