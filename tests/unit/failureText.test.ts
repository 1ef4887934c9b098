// A failure in words: the runtime's own text (an error code, a source path, a C++ scope) only as a detail.
import { describe, expect, it } from 'vitest';
import { failureLines, failureText } from '../../src/ui/failureText';

describe('failure text', () => {
  it("the engine's plain lead is the message; the runtime's text the detail", () => {
    const raw =
      'Error: failed to call OrtRun(). ERROR_CODE: 1, ERROR_MESSAGE: /mnt/azure/_work/1/s/onnxruntime/core/common/safeint.h:17 static void SafeIntExceptionHandler<onnxruntime::OnnxRuntimeException>::SafeIntOnOverflow() Integer overflow';
    expect(failureText(`A tensor would exceed the 4 GiB wasm32 address space: ${raw}`, 'out-of-memory')).toEqual({ headline: 'A tensor would exceed the 4 GiB wasm32 address space.', detail: raw });
  });
  it('raw text with no plain lead gets a headline from its kind', () => {
    expect(failureText('RangeError: Array buffer allocation failed', 'out-of-memory')).toEqual({ headline: 'Out of memory.', detail: 'RangeError: Array buffer allocation failed' });
    expect(failureText('Error: ERROR_CODE: 9 something')).toEqual({ headline: 'The runtime failed.', detail: 'Error: ERROR_CODE: 9 something' });
  });
  it('a message in words stays whole', () => {
    const m = 'transformer-xl-tiny: the model file model.onnx is corrupted or not the one its manifest describes (sha256 0123456789ab… does not match ba9876543210…, 700 bytes).';
    expect(failureText(m, 'invalid-model')).toEqual({ headline: m });
  });
  it("a recall cell's failure: the engine's first line is the message, what follows the detail; a raw single line is split by kind", () => {
    const m = 'transformer-tiny ran out of memory reading 65,536-byte probes by cached decoding on wasm.\ndetail: RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded';
    expect(failureLines(m, 'out-of-memory')).toEqual({
      headline: 'transformer-tiny ran out of memory reading 65,536-byte probes by cached decoding on wasm.',
      detail: 'detail: RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded',
    });
    expect(failureLines('RangeError: Array buffer allocation failed', 'out-of-memory')).toEqual({ headline: 'Out of memory.', detail: 'RangeError: Array buffer allocation failed' });
    const words = 'transformer-tiny reads at most 1,024 bytes in one forward and has no step graph for cached decoding, so it cannot read a 2,048-byte probe.';
    expect(failureLines(words, 'invalid-model')).toEqual({ headline: words });
  });
});
