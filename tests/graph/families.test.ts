// The survey's families as shipped graphs (onnxruntime-node): the memory-efficient graph predicts what the
// Transformer's does from the same weights, and the Compressive Transformer's compressed memory carries a byte past
// the reach of its memory, through the same runner the page uses.
import { describe, expect, it } from 'vitest';
import { openNodeModel, readIndex, readManifest, runLogits } from '../../scripts/lib/nodeModel';

const ids = readIndex();
const rand = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (i * 7919 + seed * 104729) % 251);
const maxDiff = (a: Float32Array, b: Float32Array, from = 0) => {
  let worst = 0;
  for (let i = from; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

describe.each(ids.filter((id) => readManifest(id).config.attention.kind === 'blockwise'))('%s', (id) => {
  const plain = id.replace('memory-efficient', 'transformer');
  it(`predicts what ${plain} predicts (same weights, attention in chunks)`, async () => {
    const [a, b] = [await openNodeModel(id, { threads: 1 }), await openNodeModel(plain, { threads: 1 })];
    const { queryChunk, keyChunk } = readManifest(id).config.attention as { queryChunk: number; keyChunk: number };
    const tokens = rand(Math.min(2 * keyChunk + queryChunk + 7, 1100), 3); // several query chunks and key chunks
    const [ra, rb] = [await runLogits(a, tokens), await runLogits(b, tokens)];
    expect(ra.k).toBe(tokens.length);
    expect(maxDiff(ra.logits, rb.logits)).toBeLessThan(1e-4);
  });
});

describe.each(ids.filter((id) => (readManifest(id).config.attention as { compressedMemory?: number }).compressedMemory))('%s', (id) => {
  it('a byte that left the memory still changes later predictions (compressed rows)', async () => {
    const m = await openNodeModel(id, { threads: 1 });
    const a = readManifest(id).config.attention as { segment: number; memory: number; compressedMemory: number; compressionRate: number };
    // segment 0 leaves the memory two segments later and is compressed; through L layers of memory it reaches L
    // segments ahead at most, so the last of L + 2 segments sees it only through the compressed rows
    const n = (readManifest(id).config.nLayers + 2) * a.segment;
    const x = rand(n, 5);
    const y = x.map((v, i) => (i === 0 ? (v + 1) % 256 : v));
    const [rx, ry] = [await runLogits(m, x), await runLogits(m, y)];
    const lastSegment = (n - a.segment) * 256;
    expect(maxDiff(rx.logits, ry.logits, lastSegment)).toBeGreaterThan(1e-6);
    // Transformer-XL of the same size (no compressed memory) does not reach that far
    const xl = await openNodeModel(id.replace('compressive-transformer', 'transformer-xl'), { threads: 1 });
    const [sx, sy] = [await runLogits(xl, x), await runLogits(xl, y)];
    expect(maxDiff(sx.logits, sy.logits, lastSegment)).toBe(0);
  });
});
