// Transformer-XL and the Compressive Transformer: segments of S over [compressed memory; memory; segment], the
// memory carried from segment to segment (and, compressed, the rows it evicts).
import { z } from 'zod';
import { count, Count, decoderStep, F32 } from './common';
import { int64, scalar } from './feeds';
import type { AttentionKind, Feed } from './types';

export const schema = z.object({
  kind: z.literal('segments'),
  segment: Count,
  memory: Count,
  compressedMemory: Count.optional(),
  compressionRate: Count.optional(),
});
type Segments = z.infer<typeof schema>;

/** Compressed rows that are real after `valid` memory rows took `added` more (rows leaving the memory are compressed). */
const compressedAfter = (a: Segments, cvalid: number, valid: number, added: number, mem = a.memory) =>
  Math.min(a.compressedMemory!, cvalid + Math.floor(Math.max(0, valid + added - mem) / (a.compressionRate ?? 1)));

export const kind: AttentionKind<Segments> = {
  io: 'segments',
  fixedState: true, // a fixed memory: any number of bytes decode
  // memory plus, on average, half a segment; the compressed memory on top
  decodeCost: (a, s) => decoderStep(s, a.memory + a.segment / 2 + (a.compressedMemory ?? 0)),
  uncaptured: 'its steps fill a segment and then shift the memory, so their shapes change as it decodes',
  describe: (a) =>
    `segments of ${count(a.segment)} over a memory of ${count(a.memory)} rows${a.compressedMemory ? ` and a compressed memory of ${count(a.compressedMemory)} rows (rate ${a.compressionRate})` : ''}`,

  cost(a, s, n) {
    const { d, H, L, ff } = s;
    // per segment of S: keys over [compressed memory; memory; segment]; the compression is a strided conv per layer
    const S = a.segment;
    const compressed = a.compressedMemory ?? 0;
    const k = compressed + a.memory + S;
    const segmentCount = Math.ceil(n / S);
    const compress = compressed ? S * d * d : 0;
    const perSegment = L * 2 * (3 * k * d * d + k * d * d + S * d * d + 2 * 2 * S * k * d + S * s.mlpMacs + compress);
    const scoreTensor = H * S * k * F32;
    return {
      flops: segmentCount * perSegment,
      scoreTensor,
      attentionBytes: 5 * scoreTensor, // content and position scores, their sum, masked, probabilities
      activationsBytes: (6 * k * d + S * ff) * F32,
      cacheBytes: 2 * L * (a.memory + compressed) * d * F32, // memories in and out of each step
      logitsRows: S,
      predictedRows: segmentCount * S,
    };
  },

  /** Segment by segment, each step's new memories fed to the next: tokens[1,S], mems, mem_valid (, cmems, cmem_valid). */
  async forward(a, { run, dims, window, memoryLength }) {
    const n = window.length;
    const { segment: S, compressedMemory: cmem = 0 } = a;
    const mem = memoryLength ?? a.memory;
    const { nLayers: L, dModel: d, vocabSize: V } = dims;
    const zeros = (rows: number): Feed => ({ dtype: 'float32', data: new Float32Array(L * rows * d), dims: [L, 1, rows, d] });
    let mems = zeros(mem);
    let cmems = zeros(cmem);
    let valid = 0;
    let cvalid = 0;
    const logits = new Float32Array(n * V);
    for (let s = 0; s < n; s += S) {
      const seg = Array.prototype.slice.call(window, s, s + S) as number[];
      const feeds: Record<string, Feed> = { tokens: int64(seg), mems, mem_valid: scalar(valid) };
      if (cmem) Object.assign(feeds, { cmems, cmem_valid: scalar(cvalid) });
      const out = await run(feeds);
      logits.set(out.logits.data, s * V);
      mems = { dtype: 'float32', data: out.new_mems.data, dims: [L, 1, mem, d] };
      if (cmem) {
        cmems = { dtype: 'float32', data: out.new_cmems.data, dims: [L, 1, cmem, d] };
        // the rows leaving the memory are compressed: count the real ones among them (models/compressive_transformer.py)
        cvalid = compressedAfter(a, cvalid, valid, seg.length, mem);
      }
      valid = Math.min(mem, valid + seg.length);
    }
    return { logits, rows: n, start: 0 };
  },

  /** The state is [memory; segment] whatever the caller asks. */
  plan: (a) => ({ capacity: a.memory + a.segment, bounded: false }),

  /**
   * Keys/values of [memory; current segment]; a call never crosses a segment boundary, and when a segment completes
   * the memory shifts as in training. With a compressed memory also the rows' layer inputs, and the compressed rows'
   * keys/values, which the call that completes a segment updates itself (it compresses the rows the memory evicts).
   */
  decoder(a, io) {
    const { segment: seg, memory: mem } = a;
    let length = 0;
    let memValid = 0; // valid memory rows, and rows of the current segment
    let segValid = 0;
    let cmemValid = 0; // valid compressed rows
    return {
      latents: 0,
      refills: 0,
      async append(bytes, keep) {
        const n = bytes.length;
        const c = io.collector(keep, n, length);
        for (let i = 0; i < n; ) {
          const s = Math.min(n - i, io.chunk, seg - segValid);
          const tokens = int64(Array.prototype.slice.call(bytes, i, i + s) as number[]);
          const feeds: Record<string, Feed> = { tokens, mem_valid: scalar(memValid), seg_valid: scalar(segValid) };
          if (a.compressedMemory) feeds.cmem_valid = scalar(cmemValid);
          c.add(await io.call(feeds, { capacity: length, fixed: mem + segValid }), s);
          length += s;
          i += s;
          if ((segValid += s) === seg) {
            // the segment is complete: the memory becomes the last mem rows of [memory; segment], as in training
            io.moveRows(seg, 0, mem);
            // Compressive Transformer: that call compressed the rows the memory evicted; the real ones count
            if (a.compressedMemory) cmemValid = compressedAfter(a, cmemValid, memValid, seg);
            segValid = 0;
            memValid = Math.min(mem, memValid + seg);
          }
        }
        return c.done();
      },
    };
  },
};
