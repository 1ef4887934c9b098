// The Hub fixture's graphs (models/hub_fixture.py: Optimum's layout) in native onnxruntime-node, driven by
// src/hub/kvDecoder.ts as the browser worker drives them: cached decoding through past_key_values / present gives
// PyTorch's greedy tokens (full forwards), chunked prefill equals one shot, the merged decoder and the graph
// without a cache agree with it, and the q8 variant runs close to fp32. Layout detection reads every graph.
//
// Tolerance: |logits - PyTorch| < 1e-3 (logits of order 10; fp32 sums in another order).
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureHubFixture } from '../../scripts/lib/hubFixture';
import { readOnnxGraph } from '../../src/hub/onnxGraph';
import { decoderLayout, isRefusal, type DecoderLayout } from '../../src/hub/layout';
import { createKvDecoder, createWindowDecoder, type HubRun, type TensorLike } from '../../src/hub/kvDecoder';
import { forwardTokens, scoreTokens } from '../../src/hub/hubRun';

const { root, meta } = ensureHubFixture();
const ref = meta.reference!;
const repoDir = (repo: string) => join(root, ...repo.split('/'));

async function open(repo: string, file: string): Promise<{ layout: DecoderLayout; run: HubRun }> {
  const path = join(repoDir(repo), file);
  const info = readOnnxGraph(new Uint8Array(readFileSync(path)));
  const config = JSON.parse(readFileSync(join(repoDir(repo), 'config.json'), 'utf8'));
  const layout = decoderLayout(info, config);
  if (isRefusal(layout)) throw new Error(layout.message);
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  return {
    layout,
    run: {
      async run(feeds) {
        const tensors = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t instanceof ort.Tensor ? t : new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims as number[])]));
        return (await session.run(tensors)) as unknown as Record<string, TensorLike>;
      },
    },
  };
}

const argmax = (row: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

/** Greedy tokens after the prompt: prefill (in chunks of `chunk`), then one token per call. */
async function greedyCached(repo: string, file: string, steps: number, chunk?: number) {
  const { layout, run } = await open(repo, file);
  const dec = layout.kind === 'no-cache' ? createWindowDecoder(run, layout, 4096) : createKvDecoder(run, layout, { chunk });
  let { logits } = await dec.append(ref.ids);
  const first = logits;
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    out.push(argmax(logits));
    if (i < steps - 1) ({ logits } = await dec.append([out[i]]));
  }
  return { tokens: out, first, dec, layout };
}

describe('Hub fixture graphs (onnxruntime-node)', () => {
  const main = `${meta.org}/tiny-llama`;

  it('model.onnx (external data): cached decoding gives PyTorch greedy tokens; the cache grows by one per token', async () => {
    const { tokens, first, dec, layout } = await greedyCached(main, 'onnx/model.onnx', ref.greedy.length);
    expect(layout.kind).toBe('with-past');
    expect(maxDiff(first, ref.lastLogits)).toBeLessThan(1e-3);
    expect(tokens).toEqual(ref.greedy);
    const { layers, kv_heads, d, heads } = meta.config;
    expect(dec.length).toBe(ref.ids.length + ref.greedy.length - 1);
    expect(dec.cacheBytes).toBe(2 * layers * kv_heads * (d / heads) * dec.length * 4);
  });

  it('chunked prefill through the graph\'s own past inputs equals one shot (every row)', async () => {
    const a = await open(main, 'onnx/model.onnx');
    const one = await createKvDecoder(a.run, a.layout).append(ref.ids, 'all');
    const chunked = await createKvDecoder(a.run, a.layout, { chunk: 5 }).append(ref.ids, 'all');
    expect(chunked.rows).toBe(ref.ids.length);
    expect(maxDiff(chunked.logits, one.logits)).toBeLessThan(1e-4);
  });

  it('decoder_model_merged.onnx (use_cache_branch) and the graph without a cache give the same tokens', async () => {
    const merged = await greedyCached(`${meta.org}/tiny-llama-merged`, 'onnx/decoder_model_merged.onnx', ref.greedy.length, 7);
    expect(merged.layout.kind).toBe('merged');
    expect(merged.tokens).toEqual(ref.greedy);
    const nocache = await greedyCached(`${meta.org}/tiny-llama-nocache`, 'onnx/model.onnx', ref.greedy.length);
    expect(nocache.layout.kind).toBe('no-cache');
    expect(nocache.layout.positionIds).toBeUndefined();
    expect(maxDiff(nocache.first, ref.lastLogits)).toBeLessThan(1e-3);
    expect(nocache.tokens).toEqual(ref.greedy);
  });

  it('one forward over the prompt (empty past) gives every row; the cache switched off re-runs the window per token', async () => {
    const a = await open(main, 'onnx/model.onnx');
    const f = await forwardTokens(a.run, a.layout, ref.ids);
    const V = meta.config.vocab;
    expect(f.rows).toBe(ref.ids.length);
    expect(maxDiff(f.logits.subarray((f.rows - 1) * V), ref.lastLogits)).toBeLessThan(1e-3);
    const s = scoreTokens(f.logits, f.rows, V, ref.ids);
    expect(s.surprisalBits).toHaveLength(ref.ids.length - 1);
    expect(s.nextTop[0].id).toBe(ref.greedy[0]);
    const off = createWindowDecoder(a.run, a.layout, 4096);
    let { logits } = await off.append(ref.ids);
    const tokens: number[] = [];
    for (let i = 0; i < 4; i++) (tokens.push(argmax(logits)), ({ logits } = await off.append([tokens[i]])));
    expect(tokens).toEqual(ref.greedy.slice(0, 4));
  });

  it('model_quantized.onnx (q8) runs the same layout, its logits close to fp32', async () => {
    const q8 = await greedyCached(main, 'onnx/model_quantized.onnx', 4);
    expect(q8.layout.kind).toBe('with-past');
    const scale = Math.max(...ref.lastLogits.map(Math.abs));
    // int8 weights per tensor: a few percent of the logits' range, not bit-for-bit
    expect(maxDiff(q8.first, ref.lastLogits) / scale).toBeLessThan(0.1);
    expect(q8.first).not.toEqual(Float32Array.from(ref.lastLogits));
  });
});
