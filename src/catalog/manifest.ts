// The manifest written by models/export.py next to each model.onnx, validated with zod before use.
// Keep this file and models/manifest.py in step: it is the one contract between Python and browser.
import { z } from 'zod';
import type { DecoderLayout } from '../hub/layout';
import { AttentionSchema, kindOf } from './kinds';

const Dim = z.union([z.number().int().nonnegative(), z.string()]);
const TensorSpec = z.object({
  name: z.string(),
  dtype: z.enum(['int64', 'int32', 'float32', 'float16', 'bool']), // float16, bool: Hub decoders' caches and use_cache_branch
  dims: z.array(Dim), // symbolic dims are strings, e.g. ["batch", "seq"]
});
export type TensorSpec = z.infer<typeof TensorSpec>;

// config.attention: the model's attention kind and its parameters (src/catalog/kinds: one file per kind, with what it
// means everywhere). Every fact about the kind is stated there once; `io` follows from it.
export { AttentionSchema, type Attention } from './kinds';

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
  // trained on this synthetic task only (absent: text + copy mixture); recall: the tasks of src/tasks (issue 18)
  task: z.enum(['mirrored-copy', 'recall']).optional(),
  // "prefix": positions count from the input's first byte, so the model reads the first N bytes, not the last N.
  window: z.enum(['prefix', 'suffix']).optional(),
  // perceiver-ar: M values offered at run time (the trained M is attention.latents)
  latentOptions: z.array(z.number().int().positive()).optional(),
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
// Recall at distance (issue 18; scripts/evaluateRecall.ts, the probes of src/tasks): accuracy = the fraction of probes
// whose every answer byte is right, null where the model cannot run (note says why); lo/hi: Wilson 95% interval.
const RecallPoint = z.object({
  accuracy: z.number().nullable(),
  lo: z.number().optional(),
  hi: z.number().optional(),
  n: z.number().optional(),
  note: z.string().optional(),
});
const Recall = z.object({
  command: z.string(),
  probesPerPoint: z.number(),
  seed: z.number(),
  curves: z.array(
    z.object({
      task: z.enum(['mqar', 'needle', 'mirrored-copy']),
      params: z.record(z.string(), z.number()), // the task's fixed parameters; the axis varies
      axis: z.enum(['distance', 'pairs', 'length']),
      points: z.array(RecallPoint.extend({ x: z.number() })),
    }),
  ),
  needle: z
    .object({
      depths: z.array(z.number()),
      lengths: z.array(z.number()),
      cells: z.array(RecallPoint.extend({ depth: z.number(), length: z.number() })),
    })
    .optional(),
});
export type RecallEvaluation = z.infer<typeof Recall>;

const Evaluation = z.object({
  command: z.string(),
  // absent for the recall models (trained on the recall tasks only: no text evaluation)
  heldOutBitsPerByte: z.array(Point).default([]), // held-out Brown, the model run as the page runs it
  copyAccuracy: z.array(Accuracy).default([]),
  recall: Recall.optional(),
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
  scoredBytes: z.number().optional(), // recall models: answer bytes scored over the whole training (the matched budget)
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
    // "cached" (a state's first axis allocated at the capacity and fed only up to the rows written, at least one),
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
    // Bytes the graph needs before its first new byte (input prev_tokens [1, lookback], zeros before the start): the
    // Perceiver AR + input conv variant's convolution. Absent = 0.
    lookback: z.number().int().nonnegative().optional(),
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

const ManifestObject = z.object({
  schemaVersion: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  family: z.string().regex(/^[a-z0-9][a-z0-9-]*$/), // any family: what the page needs to know about it is below
  familyName: z.string(), // the family as the page names it
  defaultSelected: z.boolean().optional(), // picked when the page opens without a link
  // 512-crop: Perceiver AR on the decoders' crops (a control); recall: trained on the recall tasks (issue 18);
  // hub: a decoder from the Hugging Face Hub (`hub` below)
  size: z.enum(['tiny', 'compare', 'copy', '512-crop', 'recall', 'hub']),
  displayName: z.string(),
  paper: z.object({ title: z.string(), authors: z.string(), year: z.number(), url: z.string() }),
  simplifications: z.array(z.string()),
  config: Config,
  parameters: z.number().int().positive(),
  // How the graph is driven (src/catalog/kinds/types.ts Io): follows from config.attention's kind, so a manifest does
  // not state it; one that does (written before) must agree with its kind. Parsed manifests carry it.
  io: z.enum(['full', 'latents', 'segments']).optional(),
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

export const ManifestSchema = ManifestObject.superRefine(({ io, config: { attention: a } }, ctx) => {
  if (io !== undefined && io !== kindOf(a).io) ctx.addIssue({ code: 'custom', path: ['io'], message: `io "${io}" disagrees with attention kind "${a.kind}" (${kindOf(a).io})` });
}).transform((m) => ({ ...m, io: kindOf(m.config.attention).io }));
/** A validated manifest; `io` is its attention kind's. */
export type Manifest = z.output<typeof ManifestSchema>;
/** A manifest as written (models/export.py): without `io`. */
export type ManifestInput = z.input<typeof ManifestSchema>;

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
