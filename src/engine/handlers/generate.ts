// Cached decoding and generation in the loaded model's worker: given bytes through the step graph (decode), sampled
// bytes streamed back one by one (generate), and a generation asked to end (stop). Client side: decoding.ts.
import { cachedSource, generateBytes, windowSource } from '../generation';
import { readMemory, resetPeak } from '../memory';
import { meterHeapCopies } from '../ort';
import { createDecoder } from '../stepRunner';
import type { DecoderOptions } from '../stepRunner';
import { EngineError, type GenerateOptions } from '../types';
import { held, loaded, type Handlers } from './context';

const stops = new Set<number>(); // generations asked to stop
// A macrotask turn without setTimeout's clamping: lets a stop message in between two bytes.
const turn = new MessageChannel();
const pause = () => new Promise<void>((resolve) => ((turn.port1.onmessage = () => resolve()), turn.port2.postMessage(null)));

function stepSession() {
  if (!held.stepSession) throw new EngineError('invalid-model', 'The step graph is not loaded in this worker');
  return held.stepSession;
}

/** WebGPU: the decoding state in GPU buffers on ORT's device for the whole generation, unless asked to upload it
 * every step as the WASM path feeds it ('uploaded'). */
async function gpuState(st: ReturnType<typeof stepSession>, state: GenerateOptions['gpuState']): Promise<DecoderOptions['gpu']> {
  if (held.backend !== 'webgpu' || state === 'uploaded') return undefined;
  const device = await st.device();
  if (!device) throw new EngineError('device-lost', 'The WebGPU device ORT runs on is not available');
  return { device, run: (feeds) => st.runBound(feeds) };
}

export const generate: Handlers<'decode' | 'generate' | 'stop'> = {
  async decode(req, out) {
    const { manifest: m } = loaded();
    const st = stepSession();
    const decoder = createDecoder((feeds) => st.run(feeds), m, { ...req.options, gpu: await gpuState(st, req.options.gpuState) });
    const V = m.config.vocabSize;
    const lastLogits = new Float32Array(req.pieces.length * V);
    const pieceMs: number[] = [];
    const latentsAfter: number[] = [];
    let at = 0;
    for (const [i, n] of req.pieces.entries()) {
      const t0 = performance.now();
      const r = await decoder.append(req.bytes.subarray(at, at + n));
      pieceMs.push(performance.now() - t0);
      lastLogits.set(r.logits, i * V);
      latentsAfter.push(decoder.latents);
      at += n;
    }
    decoder.dispose();
    out.transfer.push(lastLogits.buffer);
    return { type: 'decoded', lastLogits, pieceMs, refills: decoder.refills, latentsAfter, stateBytes: decoder.stateBytes, capacity: decoder.capacity, stateOn: decoder.stateOn, memory: readMemory(held.backend === 'webgpu') };
  },

  async generate(req, out) {
    const { manifest: m, run } = loaded();
    const o = req.options;
    const st = o.cache === false ? undefined : stepSession();
    const src = st ? cachedSource((feeds) => st.run(feeds), m, req.prompt, o, await gpuState(st, o.gpuState)) : windowSource(run, m, req.prompt, o);
    resetPeak();
    const copies = o.meterCopies ? meterHeapCopies() : undefined;
    let before = copies?.();
    const onByte = (b: Parameters<Parameters<typeof generateBytes>[2]['onByte']>[0]) => {
      const now = copies?.();
      const copied = now && before && { copyMs: now.ms - before.ms, copyBytes: now.bytes - before.bytes };
      before = now;
      out.progress({ type: 'generating', ...b, ...copied });
    };
    try {
      const { stopped } = await generateBytes(src, o, { onByte, pause, stopRequested: () => stops.has(req.id) });
      const { refills } = src.now();
      const { numLatents, refillTo, stateBytes, capacity, stateOn } = src;
      src.dispose?.(); // the state's GPU buffers go before the memory is read
      return { type: 'generated', stopped, refills, numLatents, refillTo, stateBytes, capacity, stateOn, memory: readMemory(held.backend === 'webgpu') };
    } finally {
      src.dispose?.();
      stops.delete(req.id);
    }
  },

  async stop(req) {
    stops.add(req.target);
  },
};
