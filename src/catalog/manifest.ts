// The manifest written by models/export.py next to each model.onnx, validated with zod before use.
// Keep this file and models/manifest.py in step: it is the one contract between Python and browser.
import { z } from 'zod';
import type { DecoderLayout } from '../hub/layout';

const Dim = z.union([z.number().int().nonnegative(), z.string()]);
const TensorSpec = z.object({
  name: z.string(),
  dtype: z.enum(['int64', 'int32', 'float32', 'float16', 'bool']), // float16, bool: Hub decoders' caches and use_cache_branch
  dims: z.array(Dim), // symbolic dims are strings, e.g. ["batch", "seq"]
});
export type TensorSpec = z.infer<typeof TensorSpec>;

const Count = z.number().int().positive();
// How a family's attention mixes positions, with its parameters: what the cost model, the UI and the engine need to
// know about a family without naming it (models/configs.py writes it; one branch per kind, not per family).
export const AttentionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('full') }), // every earlier position, one N x N score matrix per head
  z.object({ kind: z.literal('blockwise'), queryChunk: Count, keyChunk: Count }), // exact, chunk by chunk (online softmax)
  z.object({ kind: z.literal('window'), window: Count }), // the last `window` positions, block by block
  z.object({ kind: z.literal('sparse-fixed'), block: Count, summaries: Count }), // own block + the last `summaries` of every earlier block
  z.object({ kind: z.literal('linear'), chunk: Count, featureMap: z.string() }), // kernel features, chunked with a carried state
  z.object({ kind: z.literal('latents'), latents: Count }), // M latents cross-attend to all N inputs, then self-attend
  z.object({
    kind: z.literal('segments'), // segments of S over [compressed memory; memory; segment]
    segment: Count,
    memory: Count,
    compressedMemory: Count.optional(),
    compressionRate: Count.optional(),
  }),
]);
export type Attention = z.infer<typeof AttentionSchema>;

const Config = z.object({
  vocabSize: z.number().int().positive(),
  dModel: z.number().int().positive(),
  nHeads: z.number().int().positive(),
  nLayers: z.number().int().positive(), // perceiver-ar: latent self-attention layers (cross-attention not counted)
  dFf: z.number().int().positive(),
  activation: z.enum(['relu', 'gelu', 'squared-relu', 'swiglu']),
  norm: z.enum(['layernorm', 'rmsnorm']),
  positions: z.string(), // e.g. "rotary-50%-absolute", "relative-xl"
  // Rotary base W (absent: maxContext): channel pair i turns at W^(-i/8) radians per byte (8 pairs), so the slowest
  // turns at W^(-7/8) (a period of 2π·W^(7/8) bytes), not 1/W.
  rotaryWavelength: z.number().int().positive().optional(),
  maxContext: z.number().int().positive(), // hard limit the UI enforces
  trainedContext: z.number().int().positive(),
  // How positions enter (the copy-task Perceiver AR: "absolute-sinusoidal"); absent: as `positions` says.
  positionEncoding: z.enum(['absolute-sinusoidal']).optional(),
  task: z.enum(['mirrored-copy']).optional(), // trained on this synthetic task only (absent: text + copy mixture)
  // "prefix": positions count from the input's first byte, so the model reads the first N bytes, not the last N.
  window: z.enum(['prefix', 'suffix']).optional(),
  // perceiver-ar
  latents: z.number().int().positive().optional(), // default M
  latentOptions: z.array(z.number().int().positive()).optional(), // M values offered at run time
  // transformer-xl
  segmentLength: z.number().int().positive().optional(),
  memoryLength: z.number().int().positive().optional(),
  // primer
  convKernel: z.number().int().positive().optional(),
  attention: AttentionSchema,
});
export type ModelConfig = z.infer<typeof Config>;

// 95% interval (lo, hi) and sample count n: optional, from the evaluation with intervals (scripts/evaluate.ts).
const Point = z.object({
  context: z.number(),
  bpb: z.number().nullable(),
  lo: z.number().optional(),
  hi: z.number().optional(),
  n: z.number().optional(),
  note: z.string().optional(),
});
const Accuracy = z.object({
  distance: z.number(),
  exact: z.number().nullable(),
  perByte: z.number().nullable(),
  lo: z.number().optional(),
  hi: z.number().optional(),
  n: z.number().optional(),
  note: z.string().optional(),
});
const Evaluation = z.object({
  command: z.string(),
  heldOutBitsPerByte: z.array(Point), // held-out Brown, the model run as the page runs it
  copyAccuracy: z.array(Accuracy),
  // The paper's mirrored copy task (models trained on it): accuracy of the bytes copied from `distance` back.
  mirroredCopyAccuracy: z.array(Accuracy).optional(),
  // Every held-out text; rows: "full" (as the page runs it), "sliding-W" (a window of its training crop W),
  // "memory-K" (Transformer-XL with a K-row memory).
  texts: z
    .array(z.object({ text: z.string(), label: z.string(), rows: z.array(z.object({ variant: z.string(), label: z.string(), points: z.array(Point) })) }))
    .optional(),
});

const Training = z.object({
  data: z.string(),
  steps: z.number(),
  tokensSeen: z.number(),
  wallSeconds: z.number(),
  device: z.string(),
  batchSize: z.number().optional(), // absent when stages differ (copy-task training)
  crop: z.number().optional(),
  finalTrainLoss: z.number().nullable(),
  stages: z.array(z.object({ stage: z.string(), steps: z.number() }).loose()).optional(), // what the weights went through, in order
  log: z.string().regex(/^[\w.-]+\.json$/).optional(), // file next to the manifest with the loss curves
});

// Cached decoding (models/manifest.py step_entry; driven by src/engine/stepRunner.ts): a step graph that takes new
// bytes plus the decoding state and returns their logits plus the new state. Optional: a model without it has no
// cached decoding.
const Step = z
  .object({
    file: z.string().regex(/^[\w.-]+\.onnx$/),
    bytes: z.number().int().positive(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    opset: z.number().int(),
    // The file (next to the manifest) the graph reads its weights from as ONNX external data: the forward graph,
    // so the weights are stored and downloaded once.
    weights: z.string().regex(/^[\w.-]+\.onnx$/),
    // Symbolic dims: "new" (bytes in this call), "capacity" (positions the state holds, the caller's choice),
    // "latentCapacity" (Perceiver AR: M, the latent cache), "newLatents" (Perceiver AR: latents this call adds).
    inputs: z.array(TensorSpec),
    outputs: z.array(TensorSpec),
    // The inputs that are state. Each has the output `new_<name>`: with an `axis`, only the rows the call computed
    // along it (the caller writes them into its state, whose size on that axis it chose: "capacity" positions,
    // "latentCapacity" latents); without, the whole new state.
    state: z.array(z.object({ name: z.string(), axis: z.number().int().nonnegative().optional() })).min(1),
    maxChunk: z.number().int().positive(), // most bytes per call (prefill runs in chunks)
    // Most positions the state may hold (absent: config.maxContext). The full-attention decoders allow more than
    // their one-shot forward: cached, their memory grows as N, not N².
    maxCapacity: z.number().int().positive().optional(),
    webgpuUnsupportedOps: z.array(z.string()),
    // Perceiver AR: when M latents are cached, one forward refills the cache to F = max(M/2, M - margin) latents.
    refill: z.object({ margin: z.number().int().nonnegative(), trades: z.string() }).optional(),
  })
  .superRefine((step, ctx) => {
    const outs = new Set(step.outputs.map((t) => t.name));
    for (const { name, axis } of step.state) {
      const input = step.inputs.find((t) => t.name === name);
      if (!input || !outs.has(`new_${name}`))
        ctx.addIssue({ code: 'custom', path: ['state'], message: `state "${name}" needs the input ${name} and the output new_${name}` });
      else if (axis !== undefined && axis >= input.dims.length)
        ctx.addIssue({ code: 'custom', path: ['state'], message: `state "${name}" has no axis ${axis}` });
    }
  });
export type StepSpec = z.infer<typeof Step>;

export const ManifestSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  family: z.string().regex(/^[a-z0-9][a-z0-9-]*$/), // any family: what the page needs to know about it is below
  familyName: z.string(), // the family as the page names it
  defaultSelected: z.boolean().optional(), // picked when the page opens without a link
  // 512-crop: Perceiver AR on the decoders' crops (a control); hub: a decoder from the Hugging Face Hub (`hub` below)
  size: z.enum(['tiny', 'compare', 'copy', '512-crop', 'hub']),
  displayName: z.string(),
  paper: z.object({ title: z.string(), authors: z.string(), year: z.number(), url: z.string() }),
  simplifications: z.array(z.string()),
  config: Config,
  parameters: z.number().int().positive(),
  // How the graph is driven:
  //  full:     tokens[1,N] -> logits[1,N,V] (every position)
  //  latents:  tokens[1,N], num_latents[] -> logits[1,M,V] for the last M positions (M = min(num_latents, N))
  //  segments: tokens[1,S], mems[L,1,mem,d], mem_valid[] -> logits[1,S,V], new_mems; run segment by segment
  io: z.enum(['full', 'latents', 'segments']),
  graph: z.object({
    file: z.string(),
    bytes: z.number().int().positive(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    opset: z.number().int(),
    inputs: z.array(TensorSpec),
    outputs: z.array(TensorSpec),
    webgpuUnsupportedOps: z.array(z.string()), // ops with no WebGPU kernel (would run on CPU); [] is the goal
  }),
  step: Step.optional(),
  // A model the person opened from their own device (src/engine/userModel.ts); export.py never writes it. Without a
  // manifest of its own, what the page could not read from the graph is asked (vocabulary, byte-level, maximum
  // context); the rest of the config is unknown (left at 0) and never shown, and no cost estimate is drawn for it.
  userModel: z
    .object({
      fileName: z.string(),
      byteLevel: z.boolean(), // predictions (bytes in, next-byte surprisal out) only for a byte-level model
      fromManifest: z.boolean(), // its config came with a manifest, not from questions
      // the graph's names for the engine's feeds; absent: the graph uses the bundled names (it came with a manifest)
      feeds: z.object({ tokens: z.string(), attentionMask: z.string().optional(), numLatents: z.string().optional(), logits: z.string() }).optional(),
    })
    .optional(),
  // A decoder from the Hugging Face Hub or a dropped folder (src/hub; never written by export.py): its token ids are
  // not bytes (config.vocabSize and maxContext count tokens), its graph is fed as `layout` says, cached decoding goes
  // through the graph's own past_key_values/present (no step graph), and `externalData` are the files its weights are in.
  hub: z
    .object({
      repo: z.string(), // "org/name" (a dropped folder: "folder/<name>")
      revision: z.string(),
      dtype: z.string(), // transformers.js's precision name: fp32, fp16, q8, q4, ...
      origin: z.enum(['hub', 'folder']),
      host: z.string().optional(), // the Hub address it came from, when not huggingface.co
      layout: z.custom<DecoderLayout>((x) => typeof x === 'object' && x !== null && 'kind' in x && 'layers' in x),
      externalData: z.array(z.string()),
      weightsBytes: z.number().int().nonnegative(), // graph + external data, as downloaded
      largestWeightBytes: z.number().int().nonnegative(),
      fusedAttention: z.boolean(), // com.microsoft (Group)MultiHeadAttention: no score matrix is held
    })
    .optional(),
  reference: z.string(), // file next to the manifest: PyTorch inputs/outputs for parity tests
  // The analysis graph (attention.onnx, never the timed graph): tokens[1,N] (, num_latents[]), query[1] ->
  // attention[1,N], the weights with which the query position reads every input position, averaged over heads.
  // Absent for families whose weights are not one softmax row (sparse pattern, linear attention, XL's memory).
  attentionGraph: z
    .object({
      file: z.string().regex(/^[\w.-]+\.onnx$/),
      bytes: z.number().int().positive(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      opset: z.number().int(),
      weights: z.string().regex(/^[\w.-]+\.onnx$/), // read as ONNX external data, like step.weights
      inputs: z.array(TensorSpec),
      outputs: z.array(TensorSpec),
      layer: z.string(), // which attention it reads, in words
      webgpuUnsupportedOps: z.array(z.string()),
    })
    .optional(),
  training: Training.nullable(), // null: random weights
  evaluation: Evaluation.nullable(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

// public/models/index.json: the bundled models, in display order.
export const ModelIndexSchema = z.object({ models: z.array(z.string()) });

/** The loss curves saved next to a trained model's manifest (its training.log). */
export const TrainingLogSchema = z.array(
  z.object({
    step: z.number(),
    seconds: z.number().optional(),
    bitsPerByte: z.number().optional(), // text training: the batch's loss in bits per byte
    heldOutBitsPerByte: z.number().optional(), // text training: fixed held-out crops, every 100 steps
    loss: z.number().optional(), // nats
    accuracy: z.number().optional(), // copy-task training: argmax accuracy on the batch
  }),
);
export type TrainingLogEntry = z.infer<typeof TrainingLogSchema>[number];
