// Cached decoding and generation in the loaded model's worker: given bytes through the step graph (decode), sampled
// bytes streamed back one by one (generate), and a generation asked to end (stop; a recall run too). Client side: decoding.ts.
import { capturedDims, capturedStep, uncapturable } from '../capturedStep';
import { cachedCapacity, cachedSource, generateBytes, windowSource } from '../generation';
import { hubCacheOnGpu, hubSession, hubTokenSource, HUB_PREFILL_CHUNK } from '../hub';
import { createKvDecoder } from '../../hub/kvDecoder';
import { readMemory, resetPeak } from '../memory';
import { createSession, meterHeapCopies } from '../ort';
import { createDecoder } from '../stepRunner';
import type { DecoderOptions } from '../stepRunner';
import { EngineError, type GenerateOptions } from '../types';
import type { Manifest } from '../../catalog/manifest';
import { held, loaded, pause, stops, type Handlers } from './context';

export function stepSession() {
  if (!held.stepSession) throw new EngineError('invalid-model', 'The step graph is not loaded in this worker');
  return held.stepSession;
}

/** WebGPU: the decoding state in GPU buffers on ORT's device for the whole generation, unless asked to upload it
 * every step as the WASM path feeds it ('uploaded'); 'captured': one-byte steps replayed from a captured graph,
 * a session made for this generation's capacity and released with it. Why not kept: JSEP checks a bound buffer
 * against the last session that ran, so once a captured session has run, the plain step session could not bind the
 * next generation's state buffers (onnxruntime-web 1.30, backend-webgpu.ts registerBuffer). The caller disposes
 * what it returns. */
async function gpuState(st: ReturnType<typeof stepSession>, state: GenerateOptions['gpuState'], m: Manifest, capacity: number): Promise<(DecoderOptions['gpu'] & { dispose?(): Promise<void> }) | undefined> {
  if (held.backend !== 'webgpu' || state === 'uploaded') return undefined;
  const device = await st.device();
  if (!device) throw new EngineError('device-lost', 'The WebGPU device ORT runs on is not available');
  const run: NonNullable<DecoderOptions['gpu']>['run'] = (feeds) => st.runBound(feeds);
  if (state !== 'captured') return { device, run };
  const step = m.step!; // a model with a step session has one
  const why = held.sessionOpts?.webgpuImpl !== 'jsep' ? 'captured steps run on the JSEP WebGPU build only' : uncapturable(m);
  if (why) throw new EngineError('bad-input', `${m.id}: no captured steps for this model: ${why}`);
  let session: Awaited<ReturnType<typeof createSession>>;
  try {
    session = await createSession(held.stepGraph!, 'webgpu', { ...held.sessionOpts!, externalData: [{ path: step.weights, data: held.weights! }], capture: capturedDims(capacity) });
  } catch (e) {
    throw new EngineError('bad-input', `${m.id}'s step graph cannot be captured on WebGPU: onnxruntime-web needs every node of it on the GPU (${e instanceof Error ? e.message : String(e)})`);
  }
  const cap = capturedStep(device, (f, o) => session.runInto(f, o), step, capacity);
  let released: Promise<void> | undefined;
  return { device, run, captured: cap.run, dispose: () => (released ??= (cap.dispose(), session.release())) };
}

/** make(), with `gpu` released if it throws (a captured session left behind would break the next generation). */
async function released<T>(gpu: { dispose?(): Promise<void> } | undefined, make: () => T): Promise<T> {
  try {
    return make();
  } catch (e) {
    await gpu?.dispose?.();
    throw e;
  }
}

/** A Hub decoder's cache (src/hub/kvDecoder.ts) behind stepRunner's Decoder face, for `decode`. */
function hubDecoder(s: Parameters<typeof hubSession>[0], m: Manifest, o: { capacity: number; chunk?: number }) {
  const layout = m.hub!.layout;
  const kv = createKvDecoder(hubSession(s), layout, { chunk: o.chunk ?? HUB_PREFILL_CHUNK, maxLength: o.capacity });
  return {
    append: (t: ArrayLike<number>) => kv.append(t),
    latents: 0,
    refills: 0,
    get stateBytes() {
      return kv.cacheBytes;
    },
    capacity: o.capacity,
    stateOn: hubCacheOnGpu(m, held.backend) ? ('gpu' as const) : ('cpu' as const),
    dispose: () => kv.dispose(),
  };
}

export const generate: Handlers<'decode' | 'generate' | 'stop'> = {
  async decode(req, out) {
    const { manifest: m, session: s } = loaded();
    const st = m.hub ? undefined : stepSession();
    const gpu = st && (await gpuState(st, req.options.gpuState, m, req.options.capacity));
    const decoder = await released(gpu, () => (st ? createDecoder((feeds) => st.run(feeds), m, { ...req.options, gpu }) : { ...hubDecoder(s, m, req.options), captured: false }));
    const V = m.config.vocabSize;
    const lastLogits = new Float32Array(req.pieces.length * V);
    const pieceMs: number[] = [];
    const latentsAfter: number[] = [];
    let at = 0;
    try {
      for (const [i, n] of req.pieces.entries()) {
        const t0 = performance.now();
        const r = await decoder.append(req.bytes.subarray(at, at + n));
        pieceMs.push(performance.now() - t0);
        lastLogits.set(r.logits, i * V);
        latentsAfter.push(decoder.latents);
        at += n;
      }
    } catch (e) {
      decoder.dispose(); // a failed decode releases its state too (GPU buffers)
      await gpu?.dispose?.();
      throw e;
    }
    const { refills, stateBytes, capacity, stateOn, captured } = decoder; // read before dispose (a Hub cache is 0 bytes after)
    decoder.dispose();
    await gpu?.dispose?.();
    out.transfer.push(lastLogits.buffer);
    return { type: 'decoded', lastLogits, pieceMs, refills, latentsAfter, stateBytes, capacity, stateOn, captured, memory: readMemory(held.backend === 'webgpu') };
  },

  async generate(req, out) {
    const { manifest: m, run, session: s } = loaded();
    const o = req.options;
    const st = o.cache === false || m.hub ? undefined : stepSession();
    const bytes = req.prompt as Uint8Array; // a bundled model's prompt; a Hub decoder's is token ids
    const gpu = st && (await gpuState(st, o.gpuState, m, cachedCapacity(bytes.length, o)));
    const src = await released(gpu, () => (m.hub ? hubTokenSource(s, m, req.prompt, o, hubCacheOnGpu(m, held.backend)) : st ? cachedSource((feeds) => st.run(feeds), m, bytes, o, gpu) : windowSource(run, m, bytes, o)));
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
      const { numLatents, refillTo, stateBytes, capacity, stateOn, captured } = src;
      src.dispose?.(); // the state's GPU buffers go before the memory is read
      await gpu?.dispose?.();
      return { type: 'generated', stopped, refills, numLatents, refillTo, stateBytes, capacity, stateOn, captured, memory: readMemory(held.backend === 'webgpu') };
    } finally {
      src.dispose?.();
      await gpu?.dispose?.();
      stops.delete(req.id);
    }
  },

  async stop(req) {
    stops.add(req.target);
  },
};
