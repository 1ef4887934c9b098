// Measured points as a link (link/fields.ts `results`, `profiles`) or a results file (foreign.ts) carries them, validated
// with zod: what the engine produces, and nothing else.
import { z } from 'zod';
import type { Category, FailureKind, MeasurePoint, ProfilePoint } from '../engine';

export const ModelId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'not a model id');
export const Backend = z.enum(['webgpu', 'wasm']);
export const Context = z.number().int().min(1).max(1 << 20);
const Num = z.number().nonnegative(); // zod 4 numbers are finite: no NaN, no Infinity
export const FAILURE_KINDS = [
  'out-of-memory', 'buffer-limit', 'device-lost', 'invalid-model', 'over-limit',
  'bad-input', 'webgpu-unavailable', 'cancelled', 'skipped', 'unknown',
] as const satisfies readonly FailureKind[];

const Str = z.string().max(200);
const Threads = z.number().int().min(0).max(4096);
const Device = z.object({
  vendor: Str, architecture: Str, description: Str, isFallbackAdapter: z.boolean(), maxBufferSize: Num, maxStorageBufferBindingSize: Num,
});
export const ProvenanceSchema = z.object({
  browser: Str, platform: Str, hardwareThreads: Threads, crossOriginIsolated: z.boolean(),
  ep: z.enum(['wasm', 'webgpu-jsep', 'webgpu-native']), wasmThreads: Threads, gpu: Device.optional(),
  ort: Str, app: Str, measuredAt: z.iso.datetime(),
});

const Memory = z.object({ gpuAllocatedPeakBytes: Num.optional(), gpuAllocatedLiveBytes: Num.optional(), wasmHeapBytes: Num.optional(), jsHeapBytes: Num.optional() });
const Failure = z.object({ kind: z.enum(FAILURE_KINDS), message: z.string().max(1000) });
const Decode = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    promptBytes: Context,
    prefillMs: Num,
    stepsMs: z.array(Num).min(1).max(1000),
    msPerByte: Num,
    medianMs: Num,
    p95Ms: Num,
    refills: z.number().int().nonnegative(),
    refillTo: z.number().int().positive().optional(),
    stateBytes: Num,
    memory: Memory,
    note: z.string().max(300).optional(),
  }),
  z.object({ ok: z.literal(false), failure: Failure }),
]);

const Estimate = z.object({
  weightsBytes: Num, activationsBytes: Num, attentionBytes: Num, cacheBytes: Num, totalBytes: Num, flops: Num, largestTensorBytes: Num,
});
const PointBase = {
  modelId: ModelId, backend: Backend, contextLength: Context, numLatents: z.number().int().positive().optional(), estimate: Estimate,
  provenance: ProvenanceSchema.optional(), // absent in links made before it was recorded
  decode: Decode.optional(), // cached decoding at N, when it was measured
};
/** Links made before the rename called bytes per second `tokensPerSec` (the tokens here are bytes). */
const renameLegacy = (v: unknown) => {
  if (!v || typeof v !== 'object' || !('tokensPerSec' in v) || 'bytesPerSec' in v) return v;
  const { tokensPerSec, ...rest } = v as { tokensPerSec: unknown };
  return { ...rest, bytesPerSec: tokensPerSec };
};
export const PointSchema = z.preprocess(renameLegacy, z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    ...PointBase,
    firstRunMs: Num,
    samplesMs: z.array(Num).max(1000),
    medianMs: Num,
    p95Ms: Num,
    bytesPerSec: Num, // N / median seconds
    memory: Memory,
    wasmThreads: z.number().int().nonnegative(),
    sessionMs: Num.optional(), // the point's fresh worker creating its session (absent in older links)
  }),
  z.object({ ok: z.literal(false), ...PointBase, failure: Failure }),
]));
// The schema must describe what the engine produces: a compile error here means they drifted apart.
const _pointsFit: MeasurePoint[] = [] as z.infer<typeof PointSchema>[];
void _pointsFit;

/** A JSON results file (ui/download.ts pointsJson): this page's points, and results it had from elsewhere. */
export const MAX_FILE_POINTS = 2000;
export const ResultsFileSchema = z.object({
  points: z.array(PointSchema).max(MAX_FILE_POINTS),
  foreign: z.array(z.object({ source: z.string().max(200), points: z.array(PointSchema).max(MAX_FILE_POINTS) })).max(50).optional(),
});

/** A per-operator profile as a link carries it (engine/profile.ts OpProfile): only profiles that ran. */
const CATEGORY_NAMES = [
  'attention scores', 'softmax', 'weighted values', 'projections and MLP', 'masks, positions, gathers and casts', 'layout', 'other',
] as const satisfies readonly Category[];
export const MAX_PROFILE_OPS = 12;
export const ProfileSchema = z.object({
  ok: z.literal(true),
  modelId: ModelId,
  backend: Backend,
  contextLength: Context,
  numLatents: z.number().int().positive().optional(),
  windows: z.number().int().positive().max(100),
  runMs: Num,
  opsMs: Num,
  kernels: z.number().int().nonnegative(),
  byCategory: z.object(Object.fromEntries(CATEGORY_NAMES.map((c) => [c, Num])) as Record<Category, typeof Num>),
  top: z.array(z.object({ name: Str, opType: z.string().max(64), category: z.enum(CATEGORY_NAMES), ms: Num, shape: z.string().max(64) })).max(MAX_PROFILE_OPS),
  source: z.enum(['ort-trace', 'ort-trace+gpu-timestamps']),
  provenance: ProvenanceSchema,
});
export type ProfileResult = Extract<ProfilePoint, { ok: true }>;
const _profilesFit: ProfileResult[] = [] as z.infer<typeof ProfileSchema>[];
void _profilesFit;
