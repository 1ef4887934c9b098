// Cached decoding and generation in the loaded model's worker: given bytes through the step graph (decode), sampled
// bytes streamed back one by one (generate), and a generation asked to end (stop; a recall run too). Client side: decoding.ts.
import { cachedSource, generateBytes, windowSource } from '../generation';
import { hubSession, hubTokenSource, HUB_PREFILL_CHUNK } from '../hub';
import { createKvDecoder } from '../../hub/kvDecoder';
import { readMemory, resetPeak } from '../memory';
import { createDecoder } from '../stepRunner';
import { EngineError } from '../types';
import type { Manifest } from '../../catalog/manifest';
import { held, loaded, pause, stops, type Handlers } from './context';

export function stepSession() {
  if (!held.stepSession) throw new EngineError('invalid-model', 'The step graph is not loaded in this worker');
  return held.stepSession;
}

/** A Hub decoder's cache (src/hub/kvDecoder.ts) behind stepRunner's Decoder face, for `decode`. */
function hubDecoder(s: Parameters<typeof hubSession>[0], layout: NonNullable<Manifest['hub']>['layout'], o: { capacity: number; chunk?: number }) {
  const kv = createKvDecoder(hubSession(s), layout, { chunk: o.chunk ?? HUB_PREFILL_CHUNK, maxLength: o.capacity });
  return {
    append: (t: ArrayLike<number>) => kv.append(t),
    latents: 0,
    refills: 0,
    get stateBytes() {
      return kv.cacheBytes;
    },
    capacity: o.capacity,
  };
}

export const generate: Handlers<'decode' | 'generate' | 'stop'> = {
  async decode(req, out) {
    const { manifest: m, session: s } = loaded();
    const decoder = m.hub ? hubDecoder(s, m.hub.layout, req.options) : createDecoder((feeds) => stepSession().run(feeds), m, req.options);
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
    out.transfer.push(lastLogits.buffer);
    return { type: 'decoded', lastLogits, pieceMs, refills: decoder.refills, latentsAfter, stateBytes: decoder.stateBytes, capacity: decoder.capacity };
  },

  async generate(req, out) {
    const { manifest: m, run, session: s } = loaded();
    const o = req.options;
    const st = o.cache === false || m.hub ? undefined : stepSession();
    const bytes = req.prompt as Uint8Array; // a bundled model's prompt; a Hub decoder's is token ids
    const src = m.hub ? hubTokenSource(s, m, req.prompt, o) : st ? cachedSource((feeds) => st.run(feeds), m, bytes, o) : windowSource(run, m, bytes, o);
    resetPeak();
    try {
      const { stopped } = await generateBytes(src, o, { onByte: (b) => out.progress({ type: 'generating', ...b }), pause, stopRequested: () => stops.has(req.id) });
      const { refills } = src.now();
      const { numLatents, refillTo, stateBytes, capacity } = src;
      return { type: 'generated', stopped, refills, numLatents, refillTo, stateBytes, capacity, memory: readMemory(held.backend === 'webgpu') };
    } finally {
      stops.delete(req.id);
    }
  },

  async stop(req) {
    stops.add(req.target);
  },
};
