// The exported graphs themselves, in native onnxruntime-node: manifests agree with the graphs, outputs match
// the PyTorch reference, causality holds, Perceiver AR sees its whole input, Transformer-XL's memory carries.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS_DIR, openNodeModel, readIndex, readManifest, runLogits } from '../../scripts/lib/nodeModel';
import { mirroredPrefix, tailAccuracy } from '../../scripts/lib/copyScore';
import { MIRROR_LENGTH, mirrorText } from '../../src/state/presets';

const ids = readIndex();
const V = 256;

function toTensor(ref: { dims: number[]; data: number[] }, dtype: string) {
  return dtype === 'int64'
    ? new ort.Tensor('int64', BigInt64Array.from(ref.data.map((x) => BigInt(x))), ref.dims)
    : new ort.Tensor('float32', Float32Array.from(ref.data), ref.dims);
}

const rand = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (i * 7919 + seed * 104729) % 251);

describe.each(ids)('%s', (id) => {
  const manifest = readManifest(id);
  // compare-size graphs are checked on short inputs to keep the suite fast
  const N = manifest.size === 'tiny' ? 96 : 64;

  it('manifest matches the graph: names, file size, sha256', async () => {
    const m = await openNodeModel(id, { threads: 1 });
    expect(m.session.inputNames).toEqual(manifest.graph.inputs.map((t) => t.name));
    expect(m.session.outputNames).toEqual(manifest.graph.outputs.map((t) => t.name));
    const blob = readFileSync(join(MODELS_DIR, id, manifest.graph.file));
    expect(blob.length).toBe(manifest.graph.bytes);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(blob).digest('hex')).toBe(manifest.graph.sha256);
    expect(blob.length).toBeLessThan(25e6);
  });

  it('matches the PyTorch reference outputs', async () => {
    const ref = JSON.parse(readFileSync(join(MODELS_DIR, id, manifest.reference), 'utf8'));
    const m = await openNodeModel(id, { threads: 1 });
    const feeds = Object.fromEntries(
      manifest.graph.inputs.map((s) => [s.name, toTensor(ref.inputs[s.name], s.dtype)]),
    );
    const out = await m.session.run(feeds);
    for (const name of Object.keys(ref.outputs)) {
      const want: number[] = ref.outputs[name].data;
      const got = out[name].data as Float32Array;
      expect(Array.from(out[name].dims)).toEqual(ref.outputs[name].dims);
      let worst = 0;
      want.forEach((w, i) => (worst = Math.max(worst, Math.abs(got[i] - w) - ref.tolerance.rtol * Math.abs(w))));
      expect(worst, `${name}: max |diff| beyond rtol`).toBeLessThan(ref.tolerance.atol);
    }
  });

  it.skipIf(!manifest.attentionGraph)('attention graph (weights read from model.onnx) matches PyTorch: the weights of one query, heads averaged, sum to 1, none after it', async () => {
    const ref = JSON.parse(readFileSync(join(MODELS_DIR, id, manifest.reference), 'utf8')).attention;
    const session = await ort.InferenceSession.create(join(MODELS_DIR, id, manifest.attentionGraph!.file));
    expect(session.inputNames).toEqual(manifest.attentionGraph!.inputs.map((t) => t.name));
    const feeds = Object.fromEntries(manifest.attentionGraph!.inputs.map((s) => [s.name, toTensor(ref.inputs[s.name], s.dtype)]));
    const got = (await session.run(feeds)).attention.data as Float32Array;
    const want: number[] = ref.outputs.attention.data;
    expect(got.length).toBe(want.length);
    want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThan(1e-5 + 1e-3 * Math.abs(w)));
    const query = ref.inputs.query.data[0];
    expect(got.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(Math.max(...got.subarray(query + 1))).toBe(0);
    await session.release();
  });

  it('is causal: logits at t do not change when tokens after t change', async () => {
    const m = await openNodeModel(id, { threads: 1 });
    const a = rand(N, 1);
    const b = [...a];
    const t = N - 10;
    for (let i = t + 1; i < N; i++) b[i] = (b[i] + 17) % 256;
    const ra = await runLogits(m, a, 32);
    const rb = await runLogits(m, b, 32);
    // rows covering positions <= t are identical; the row at t+1 (sees a changed token) differs
    const rowsUpToT = t - ra.start + 1;
    const diff = (r: number) => Math.max(...Array.from({ length: V }, (_, v) => Math.abs(ra.logits[r * V + v] - rb.logits[r * V + v])));
    for (let r = 0; r < rowsUpToT; r++) expect(diff(r)).toBeLessThan(1e-5);
    expect(diff(rowsUpToT)).toBeGreaterThan(1e-6);
  });
});

describe('long-range behaviour of the graphs', () => {
  const pa = ids.find((id) => id.startsWith('perceiver-ar'))!;
  const xl = ids.find((id) => id.startsWith('transformer-xl'))!;

  it(`${pa}: the first token of a long input changes the latents' logits`, async () => {
    const m = await openNodeModel(pa, { threads: 1 });
    const n = Math.min(readManifest(pa).config.maxContext, 4096);
    const a = rand(n, 2);
    const b = [...a];
    b[0] = (b[0] + 1) % 256;
    const [ra, rb] = [await runLogits(m, a), await runLogits(m, b)];
    expect(ra.start).toBe(n - ra.k); // logits cover the last M positions only
    const maxDiff = Math.max(...Array.from(ra.logits, (x, i) => Math.abs(x - rb.logits[i])));
    expect(maxDiff).toBeGreaterThan(1e-6);
  });

  it(`${pa}: the number of latents is a run-time choice`, async () => {
    const m = await openNodeModel(pa, { threads: 1 });
    const a = rand(200, 3);
    for (const M of readManifest(pa).config.latentOptions!) {
      const r = await runLogits(m, a, M);
      expect(r.k).toBe(Math.min(M, 200));
    }
  });

  it(`${xl}: information crosses segments only through the memory`, async () => {
    const m = await openNodeModel(xl, { threads: 1 });
    const { nLayers: L, dModel: d, attention } = readManifest(xl).config;
    const { segment: S, memory: mem } = attention as { segment: number; memory: number };
    const int64 = (xs: number[]) => new ort.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [1, xs.length]);
    const scalar = (x: number) => new ort.Tensor('int64', BigInt64Array.of(BigInt(x)), []);
    const seg1a = rand(S, 4);
    const seg1b = seg1a.map((x, i) => (i === 0 ? (x + 1) % 256 : x));
    const seg2 = rand(S, 5);
    const zeros = new ort.Tensor('float32', new Float32Array(L * mem * d), [L, 1, mem, d]);
    const second = async (seg1: number[], valid: number) => {
      const o1 = await m.session.run({ tokens: int64(seg1), mems: zeros, mem_valid: scalar(0) });
      const o2 = await m.session.run({ tokens: int64(seg2), mems: o1.new_mems, mem_valid: scalar(valid) });
      return o2.logits.data as Float32Array;
    };
    const [a, b] = [await second(seg1a, Math.min(mem, S)), await second(seg1b, Math.min(mem, S))];
    expect(Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])))).toBeGreaterThan(1e-6);
    const [a0, b0] = [await second(seg1a, 0), await second(seg1b, 0)];
    expect(Math.max(...Array.from(a0, (x, i) => Math.abs(x - b0[i])))).toBeLessThan(1e-6);
  });
});

// The shipped copy-task weights themselves: this fails if the bundled model stops copying (e.g. a bad retrain).
describe("perceiver-ar-copy on the paper's mirrored copy task", () => {
  it.each([1024, 40_000, MIRROR_LENGTH - 1])('copies the bytes from about %i positions back', async (distance) => {
    const m = await openNodeModel('perceiver-ar-copy');
    const full = new TextEncoder().encode(mirrorText(7)); // a sequence the evaluation does not use
    expect((await tailAccuracy(m, mirroredPrefix(full, distance, 64), 64)) / 64).toBeGreaterThan(0.9); // chance: 1/94
    await m.session.release();
  });
});
