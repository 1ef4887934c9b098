// A person's own ONNX model: which graphs the engine can drive, how its feeds are renamed, and the page's flow
// (read, ask, add; every refusal in words).
import { beforeEach, describe, expect, it } from 'vitest';
import { adaptFeeds, recognise, looksLikeOnnx, type GraphIO } from '../../src/engine/userModel';
import { int64, scalar } from '../../src/engine/graphRunner';
import { encodeState } from '../../src/state/link';
import { resetStore, useStore } from '../../src/state/store';
import { fakeEngine, manifests, namedBlob } from './stateFixtures';

const ioOf = (id: string): GraphIO => {
  const g = manifests.find((m) => m.id === id)!.graph;
  return { inputs: g.inputs, outputs: g.outputs };
};
const hf: GraphIO = {
  inputs: [{ name: 'input_ids', dtype: 'int64', dims: ['batch', 'sequence'] }, { name: 'attention_mask', dtype: 'int64', dims: ['batch', 'sequence'] }],
  outputs: [{ name: 'logits', dtype: 'float32', dims: ['batch', 'sequence', 50257] }],
};

describe('recognising a graph', () => {
  it('the bundled layouts and a plain input_ids -> logits decoder', () => {
    expect(recognise(ioOf('transformer-tiny'))).toMatchObject({ io: 'full', vocabSize: 256, feeds: { tokens: 'tokens', logits: 'logits' } });
    expect(recognise(ioOf('perceiver-ar-tiny'))).toMatchObject({ io: 'latents', feeds: { tokens: 'tokens', numLatents: 'num_latents' } });
    expect(recognise(hf)).toMatchObject({ io: 'full', vocabSize: 50257, feeds: { tokens: 'input_ids', attentionMask: 'attention_mask', logits: 'logits' } });
  });
  it.each([
    ['inputs it cannot feed', ioOf('transformer-xl-tiny'), /takes inputs the playground cannot feed: mems float32 \[2, 1, mem, 32\]; mem_valid int64 \[\]/],
    ['no token input', { inputs: [{ name: 'pixel_values', dtype: 'float32', dims: [1, 3, 224, 224] }], outputs: hf.outputs }, /no token input named tokens or input_ids/],
    ['int32 tokens', { ...hf, inputs: [{ name: 'input_ids', dtype: 'int32', dims: ['b', 's'] }] }, /input_ids int32 \[b, s\] is not int64/],
    ['a fixed length', { ...hf, inputs: [{ name: 'input_ids', dtype: 'int64', dims: [1, 128] }] }, /has a fixed length/],
    ['no logits among several outputs', { inputs: hf.inputs, outputs: [{ name: 'a' }, { name: 'b' }] }, /no output is called logits, and it has 2 outputs/],
    ['logits of another rank', { inputs: hf.inputs, outputs: [{ name: 'logits', dtype: 'float32', dims: ['b', 50257] }] }, /is not \[batch, positions, vocabulary\]/],
  ])('refuses %s, saying what it can drive', (_label, io, re) => {
    const r = recognise(io as GraphIO);
    expect('problem' in r && r.problem).toMatch(re);
    expect('problem' in r && r.problem).toMatch(/The playground feeds a token input/);
  });
  it("the engine's feeds under the graph's names, with an all-ones attention mask", () => {
    const r = recognise(hf);
    if ('problem' in r) throw new Error(r.problem);
    const out = adaptFeeds({ tokens: int64([5, 6, 7]), num_latents: scalar(2) }, r.feeds);
    expect(Object.keys(out)).toEqual(['input_ids', 'attention_mask']);
    expect(Array.from(out.attention_mask.data as BigInt64Array)).toEqual([1n, 1n, 1n]);
    expect(out.attention_mask.dims).toEqual([1, 3]);
  });
  it('an ONNX file begins with field 1 of a ModelProto', () => {
    expect(looksLikeOnnx(new Uint8Array([0x08, 0x08, ...Array(20).fill(0)]))).toBe(true);
    expect(looksLikeOnnx(new TextEncoder().encode('{"not": "a model", "at": "all"}'))).toBe(false);
  });
});

describe('adding a model of your own', () => {
  const onnx = (name: string) => namedBlob(name, new Uint8Array([0x08, 0x07, ...Array(40).fill(1)]));
  const get = useStore.getState;
  beforeEach(() => resetStore());

  it('read, asked about, added, selected; removed again', async () => {
    const fake = fakeEngine({ inspect: async () => hf });
    await get().init(fake.engine, null);
    await get().openUserModel([onnx('gpt.onnx')]);
    expect(get().userDraft?.layout).toMatchObject({ io: 'full', vocabSize: 50257 });
    await get().addUserModel({ name: 'my gpt', vocabSize: 50257, byteLevel: true, maxContext: 1024 });
    expect(get().userError).toMatch(/^A byte-level model has one logit per byte value, 256; this one has 50257./);
    await get().addUserModel({ name: 'my gpt', vocabSize: 1000, byteLevel: false, maxContext: 1024 });
    expect(get().userError).toBe("The graph's logits have 50257 entries: the vocabulary size must be 50257.");
    await get().addUserModel({ name: 'my gpt', vocabSize: 50257, byteLevel: false, maxContext: 2048 });
    const m = get().manifests.at(-1)!;
    expect(m).toMatchObject({ displayName: 'my gpt', io: 'full', config: { vocabSize: 50257, maxContext: 2048 }, userModel: { byteLevel: false, fromManifest: false, fileName: 'gpt.onnx' } });
    expect(m.id).toMatch(/^user-gpt-[0-9a-f]{8}$/);
    expect(get().selected).toContain(m.id);
    expect(fake.calls.userModels).toEqual([m.id]);
    await get().removeUserModel(m.id);
    expect(get().manifests.some((x) => x.id === m.id)).toBe(false);
    expect(get().selected).not.toContain(m.id);
  });

  it("a link naming someone's own model says it travels only as a file", async () => {
    await get().init(fakeEngine().engine, encodeState({ v: 1, models: ['user-gpt-0123abcd', 'transformer-tiny'], backend: 'wasm', context: 512, input: { text: 'x' } }));
    expect(get().selected).toEqual(['transformer-tiny']);
    expect(get().banner?.text).toMatch(/user-gpt-0123abcd\. They were left out\. A model opened from its sender's own file travels only as that file/);
  });

  it('a graph the engine cannot read, or cannot drive, is refused with its name', async () => {
    await get().init(fakeEngine().engine, null);
    await get().openUserModel([onnx('broken.onnx')]);
    expect(get().userError).toBe('broken.onnx could not be loaded on WASM, so its graph cannot be read: no graph');
    resetStore();
    await get().init(fakeEngine({ inspect: async () => ioOf('transformer-xl-tiny') }).engine, null);
    await get().openUserModel([onnx('xl.onnx')]);
    expect(get().userError).toMatch(/^xl\.onnx cannot be run here: its graph takes inputs the playground cannot feed: mems/);
    expect(get().userDraft).toBeUndefined();
  });

  it('with its manifest, a bundled-style model is added as it describes itself', async () => {
    const fake = fakeEngine({ inspect: async () => ioOf('perceiver-ar-tiny') });
    await get().init(fake.engine, null);
    const manifest = manifests.find((m) => m.id === 'perceiver-ar-tiny')!;
    await get().openUserModel([onnx('model.onnx'), namedBlob('manifest.json', JSON.stringify(manifest))]);
    expect(get().manifests.at(-1)).toMatchObject({ id: 'user-perceiver-ar-tiny', io: 'latents', config: manifest.config, userModel: { fromManifest: true, byteLevel: true } });
  });
});
