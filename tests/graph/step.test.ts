// The shipped step graphs (cached decoding) in native onnxruntime-node, driven by src/engine/stepRunner.ts as the
// browser worker drives them: their logits equal the forward graph's over the same bytes.
//
// Tolerance: max |cached - forward| over all logits < 1e-4. Measured worst cases: 1.5e-5 for the compare models
// (trained, logits of order 10), 8e-7 for the tiny ones; the chunked prefills came out bit-identical.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { MODELS_DIR, openNodeModel, openNodeStep, readIndex, readManifest, type NodeModel } from '../../scripts/lib/nodeModel';
import { runWindow } from '../../src/engine/graphRunner';
import { createDecoder, stateBytes, type DecoderOptions } from '../../src/engine/stepRunner';
import { trainedLatents } from '../../src/catalog/facts';

const ids = readIndex();
const V = 256;
const heldout = new Uint8Array(readFileSync(join(MODELS_DIR, '..', 'data', 'heldout.txt')));
const text = (n: number, at = 50_000) => Array.from(heldout.subarray(at, at + n));
const TOLERANCE = 1e-4;

function maxDiff(a: Float32Array, b: Float32Array) {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
const argmax = (row: Float32Array) => row.reduce((best, x, i) => (x > row[best] ? i : best), 0);

/**
 * Prefill `prompt`, then generate `steps` bytes greedily from the cached logits. Each step's logits are checked
 * against the forward graph on the same bytes: the decoders and XL against one forward over everything (causal),
 * Perceiver AR against a forward with the latent count the cache holds after that step (F + k after a refill).
 */
async function cachedEqualsForward(id: string, prompt: number[], steps: number, opts: Partial<DecoderOptions> = {}) {
  const step = await openNodeStep(id, { threads: 1 });
  const fwd = await openNodeModel(id, { threads: 1 });
  const m = step.manifest;
  const dec = createDecoder(step.run, m, { capacity: prompt.length + steps, ...opts });
  const bytes = [...prompt];
  const rows: Float32Array[] = [];
  const latentCounts: number[] = [];
  const first = await dec.append(prompt, 'all');
  let next = argmax(first.logits.subarray((first.rows - 1) * V));
  for (let k = 0; k < steps; k++) {
    bytes.push(next);
    const r = await dec.append([next]);
    rows.push(r.logits);
    latentCounts.push(dec.latents);
    next = argmax(r.logits);
  }
  let worst = 0;
  if (m.io === 'latents') {
    const full = await runWindow(fwd.run, m, prompt, dec.refillTo);
    worst = maxDiff(first.logits, full.logits);
    for (let k = 0; k < steps; k++) {
      const f = await runWindow(fwd.run, m, bytes.slice(0, prompt.length + k + 1), latentCounts[k]);
      worst = Math.max(worst, maxDiff(rows[k], f.logits.subarray((f.rows - 1) * V)));
    }
  } else {
    const full = await runWindow(fwd.run, m, bytes);
    worst = maxDiff(first.logits, full.logits.subarray(0, prompt.length * V));
    for (let k = 0; k < steps; k++) {
      const at = prompt.length + k;
      worst = Math.max(worst, maxDiff(rows[k], full.logits.subarray(at * V, (at + 1) * V)));
    }
  }
  await Promise.all([step.session.release(), fwd.session.release()]);
  return { worst, refills: dec.refills, latentCounts, dec };
}

describe.each(ids.filter((id) => readManifest(id).step))('%s step graph', (id) => {
  const m = readManifest(id);
  const compare = !id.endsWith('-tiny');

  it('manifest matches the graph: names, size, sha256; its weights come from the forward graph', async () => {
    const s: NodeModel = await openNodeStep(id, { threads: 1 });
    expect(s.session.inputNames).toEqual(m.step!.inputs.map((t) => t.name));
    expect(s.session.outputNames).toEqual(m.step!.outputs.map((t) => t.name));
    const blob = readFileSync(join(MODELS_DIR, id, m.step!.file));
    expect(blob.length).toBe(m.step!.bytes);
    expect(createHash('sha256').update(blob).digest('hex')).toBe(m.step!.sha256);
    expect(m.step!.weights).toBe(m.graph.file);
    expect(blob.length).toBeLessThan(m.graph.bytes / 2); // the weights are not stored twice
    await s.session.release();
  });

  it(`cached decoding of a prompt plus 64 greedy bytes equals the forward graph (max |diff| < ${TOLERANCE})`, async () => {
    // compare: 1,000 bytes (Transformer-XL crosses segments); the copy model reads positions from its first byte
    const prompt = text(compare ? 1000 : 100);
    const opts = m.io === 'latents' && compare ? { refillTo: trainedLatents(m)! - 16 } : {}; // a refill every 16 bytes
    const r = await cachedEqualsForward(id, prompt, 64, opts);
    expect(r.worst).toBeLessThan(TOLERANCE);
    if (m.io === 'latents') {
      expect(r.refills).toBeGreaterThanOrEqual(2);
      expect(Math.min(...r.latentCounts)).toBe(r.dec.refillTo); // a refill leaves F latents, its new byte the last
      expect(Math.max(...r.latentCounts)).toBe(r.dec.numLatents);
    }
  }, 120_000);

  it('state bytes: what the decoder allocates, as computed from the manifest', () => {
    const dec = createDecoder(async () => ({}), m, { capacity: 512 });
    expect(dec.stateBytes).toBe(stateBytes(m, 512, trainedLatents(m)));
    const { nLayers: L, dModel: d } = m.config;
    const perPosition = m.step!.inputs.some((t) => t.dims.includes('capacity') || t.dims.includes('cached'));
    if (m.io === 'full' && perPosition) expect(dec.stateBytes).toBeGreaterThanOrEqual(2 * L * 512 * d * 4); // a key and a value per layer and position
    if (m.io === 'full' && !perPosition) expect(stateBytes(m, 65536)).toBe(dec.stateBytes); // a recurrent state: constant in N
  });
});

describe('chunked prefill of 4,096 bytes in chunks of 512 equals the one-shot forward', () => {
  const bigOnes = ids.filter((id) => /-(compare|recall)$/.test(id) && readManifest(id).step);
  it.each(bigOnes)('%s', async (id) => {
    const step = await openNodeStep(id, { threads: 1 });
    const fwd = await openNodeModel(id, { threads: 1 });
    const prompt = text(4096, 200_000);
    const dec = createDecoder(step.run, step.manifest, { capacity: 4096, chunk: 512 });
    const cached = await dec.append(prompt, 'all');
    const full = await runWindow(fwd.run, fwd.manifest, prompt, dec.refillTo);
    expect(cached.rows).toBe(full.rows);
    expect(cached.start).toBe(full.start);
    expect(maxDiff(cached.logits, full.logits)).toBeLessThan(TOLERANCE);
    await Promise.all([step.session.release(), fwd.session.release()]);
  }, 180_000);
});

describe('the decoder refuses what it cannot do, with a message', () => {
  const m = readManifest('transformer-tiny');
  it('more bytes than its capacity, an empty append, a capacity over the limit', async () => {
    const step = await openNodeStep('transformer-tiny', { threads: 1 });
    const dec = createDecoder(step.run, m, { capacity: 8 });
    await expect(dec.append([])).rejects.toThrow(/Nothing to decode/);
    await expect(dec.append(text(9))).rejects.toThrow(/capacity of 8/);
    await dec.append(text(8)); // fills it exactly (the last write leaves no rows after it)
    await expect(dec.append([1])).rejects.toThrow(/capacity/);
    expect(() => createDecoder(step.run, m, { capacity: 10 ** 9 })).toThrow(/not possible/);
    await step.session.release();
  });
});
