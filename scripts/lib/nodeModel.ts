// Opens an exported graph in onnxruntime-node (native CPU) for the bench's native baseline, the evaluation and
// the graph tests; drives it with the same runWindow as the browser worker.
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManifestSchema, type Manifest } from '../../src/catalog/manifest';
import { runWindow, type RunFn } from '../../src/engine/graphRunner';

export const MODELS_DIR = join(import.meta.dirname, '..', '..', 'public', 'models');

export function readIndex(): string[] {
  return JSON.parse(readFileSync(join(MODELS_DIR, 'index.json'), 'utf8')).models;
}

export function readManifest(id: string): Manifest {
  return ManifestSchema.parse(JSON.parse(readFileSync(join(MODELS_DIR, id, 'manifest.json'), 'utf8')));
}

export interface NodeModel {
  manifest: Manifest;
  session: ort.InferenceSession;
  run: RunFn;
}

export interface NodeSessionOptions {
  threads?: number; // 0 or absent: ORT's default (one per core)
  /**
   * ORT's CPU arena (its default, on): what timing wants. The evaluation turns it off: a 16,384-byte full-attention
   * forward allocates several 4 GiB score tensors, the arena keeps them after the run, and repeated runs grew past
   * this machine's 24 GB until the OOM killer struck.
   */
  arena?: boolean;
  /**
   * ORT's idle threads spin for work by default, burning the cores that tests, training and the browser share on
   * this 2-core machine: off unless asked (or LCP_ORT_SPIN=1). The bench's native baseline, ORT as shipped, asks.
   */
  spin?: boolean;
  profilePrefix?: string; // enableProfiling: endProfiling() writes <prefix>_<date>.json
}

function runOf(session: ort.InferenceSession): RunFn {
  return async (feeds) => {
    const tensors = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor(f.dtype, f.data, f.dims)]));
    const out = await session.run(tensors);
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { data: t.data as Float32Array, dims: t.dims }]));
  };
}

async function openSession(id: string, file: string, o: NodeSessionOptions) {
  return ort.InferenceSession.create(join(MODELS_DIR, id, file), {
    intraOpNumThreads: o.threads ?? 0,
    graphOptimizationLevel: 'all',
    enableCpuMemArena: o.arena ?? true,
    extra: { session: { intra_op: { allow_spinning: (o.spin ?? process.env.LCP_ORT_SPIN === '1') ? '1' : '0' } } },
    ...(o.profilePrefix && { enableProfiling: true, profileFilePrefix: o.profilePrefix }),
  });
}

export async function openNodeModel(id: string, o: NodeSessionOptions = {}): Promise<NodeModel> {
  const manifest = readManifest(id);
  const session = await openSession(id, manifest.graph.file, o);
  return { manifest, session, run: runOf(session) };
}

/** The model's step graph (cached decoding); ORT reads its weights from the forward graph's file next to it. */
export async function openNodeStep(id: string, o: NodeSessionOptions = {}): Promise<NodeModel> {
  const manifest = readManifest(id);
  if (!manifest.step) throw new Error(`${id} has no step graph`);
  const session = await openSession(id, manifest.step.file, o);
  return { manifest, session, run: runOf(session) };
}

/** Logits for the covered positions: rows x V flat, row r at window offset start + r. */
export async function runLogits(m: NodeModel, tokens: ArrayLike<number>, numLatents?: number, memoryLength?: number) {
  const { logits, rows, start } = await runWindow(m.run, m.manifest, tokens, numLatents, memoryLength);
  return { logits, k: rows, start };
}
