// Drives an exported graph with onnxruntime-node (native CPU), for the bench's native baseline and the
// evaluation. Mirrors the three manifest io kinds the browser worker drives.
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManifestSchema, type Manifest } from '../../src/catalog/manifest';

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
  threads: number;
}

export async function openNodeModel(id: string, threads = 0): Promise<NodeModel> {
  const manifest = readManifest(id);
  const session = await ort.InferenceSession.create(join(MODELS_DIR, id, manifest.graph.file), {
    intraOpNumThreads: threads, // 0: ORT's default (one per core)
    graphOptimizationLevel: 'all',
  });
  return { manifest, session, threads };
}

const int64 = (xs: ArrayLike<number>, dims: number[]) =>
  new ort.Tensor('int64', BigInt64Array.from(Array.from(xs, (x) => BigInt(x))), dims);
const scalar64 = (x: number) => new ort.Tensor('int64', BigInt64Array.of(BigInt(x)), []);

/**
 * Logits for the positions the model covers: returns { logits (flat [K,V]), k, start } where row r predicts
 * the byte after window offset start + r.
 */
export async function runLogits(
  m: NodeModel,
  tokens: ArrayLike<number>,
  numLatents?: number,
): Promise<{ logits: Float32Array; k: number; start: number }> {
  const { manifest, session } = m;
  const n = tokens.length;
  const V = manifest.config.vocabSize;
  if (manifest.io === 'full') {
    const out = await session.run({ tokens: int64(tokens, [1, n]) });
    return { logits: out.logits.data as Float32Array, k: n, start: 0 };
  }
  if (manifest.io === 'latents') {
    const M = Math.min(numLatents ?? manifest.config.latents ?? n, n);
    const out = await session.run({ tokens: int64(tokens, [1, n]), num_latents: scalar64(M) });
    return { logits: out.logits.data as Float32Array, k: M, start: n - M };
  }
  // segments: Transformer-XL step graph, run segment by segment carrying the memory.
  const { nLayers: L, dModel: d, segmentLength: S = 256, memoryLength: mem = 256 } = manifest.config;
  let mems = new ort.Tensor('float32', new Float32Array(L * mem * d), [L, 1, mem, d]);
  let valid = 0;
  const logits = new Float32Array(n * V);
  for (let s = 0; s < n; s += S) {
    const seg = Array.from(tokens).slice(s, s + S);
    const out = await session.run({ tokens: int64(seg, [1, seg.length]), mems, mem_valid: scalar64(valid) });
    logits.set(out.logits.data as Float32Array, s * V);
    mems = out.new_mems as ort.Tensor;
    valid = Math.min(mem, valid + seg.length);
  }
  return { logits, k: n, start: 0 };
}
