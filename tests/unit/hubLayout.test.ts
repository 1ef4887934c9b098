// Layout detection (src/hub/layout.ts) on the file lists and graph I/O that Optimum and transformers.js write.
// The I/O below is built as Optimum's ONNX exporter names it (optimum-onnx, optimum/exporters/onnx: base.py
// add_past_key_values, config.py TextDecoderOnnxConfig / TextDecoderWithPositionIdsOnnxConfig, model_configs.py
// GPTBigCode's key_value, the merged decoder's use_cache_branch [1]) and as transformers.js feeds it
// (models/modeling_utils.js: use_cache_branch, num_logits_to_keep, position_ids when the graph has them).
import { describe, expect, it } from 'vitest';
import { cacheBytes, decoderLayout, decoderPrecisions, graphVariants, isRefusal, repoRefusal, type DecoderLayout, type Refusal } from '../../src/hub/layout';
import { fileUrl, HUGGING_FACE, listingUrl, nextPage, parseRepoRef } from '../../src/hub/hubUrl';
import type { OnnxTensorInfo } from '../../src/hub/onnxGraph';

const t = (name: string, dtype: string, dims: (number | string)[]): OnnxTensorInfo => ({ name, dtype, dims });
const B = 'batch_size';
const S = 'sequence_length';

/** Optimum's text-generation-with-past decoder: Llama/Qwen2/Mistral/Phi3 (with position_ids), Gemma/Bloom (without). */
function optimumDecoder(o: { layers: number; kv: number; hd: number; vocab: number; positionIds?: boolean; merged?: boolean; past?: boolean; cache?: string }) {
  const inputs = [t('input_ids', 'int64', [B, S]), t('attention_mask', 'int64', [B, o.past === false ? S : 'past_sequence_length + sequence_length'])];
  if (o.positionIds !== false) inputs.push(t('position_ids', 'int64', [B, S]));
  const outputs = [t('logits', 'float32', [B, S, o.vocab])];
  if (o.past !== false)
    for (let i = 0; i < o.layers; i++)
      for (const kv of ['key', 'value']) {
        inputs.push(t(`past_key_values.${i}.${kv}`, o.cache ?? 'float32', [B, o.kv, 'past_sequence_length', o.hd]));
        outputs.push(t(`present.${i}.${kv}`, o.cache ?? 'float32', [B, o.kv, 'past_sequence_length + sequence_length', o.hd]));
      }
  if (o.merged) inputs.push(t('use_cache_branch', 'bool', [1]));
  return { inputs, outputs };
}

const layoutOf = (io: ReturnType<typeof optimumDecoder>, config?: Record<string, unknown>) => {
  const l = decoderLayout(io, config);
  if (isRefusal(l)) throw new Error(`refused: ${l.message}`);
  return l as DecoderLayout;
};
const refusalOf = (io: { inputs: OnnxTensorInfo[]; outputs: OnnxTensorInfo[] }) => {
  const l = decoderLayout(io);
  expect(isRefusal(l)).toBe(true);
  return l as Refusal;
};

describe('decoder layout from graph I/O', () => {
  it('model.onnx with past (Qwen2-0.5B shapes: 24 layers, 2 key-value heads of 64, vocab 151,936)', () => {
    const l = layoutOf(optimumDecoder({ layers: 24, kv: 2, hd: 64, vocab: 151936 }));
    expect(l).toMatchObject({ kind: 'with-past', inputIds: 'input_ids', attentionMask: 'attention_mask', positionIds: 'position_ids', vocabSize: 151936, kvHeads: 2, headDim: 64, cacheType: 'float32' });
    expect(l.layers).toHaveLength(24);
    expect(l.layers[3]).toEqual({ past: ['past_key_values.3.key', 'past_key_values.3.value'], present: ['present.3.key', 'present.3.value'] });
    expect(l.useCacheBranch).toBeUndefined();
    // 2 tensors x 24 layers x 2 heads x 64 x 4 bytes = 24 KiB per position
    expect(cacheBytes(l, 1000)).toBe(2 * 24 * 2 * 64 * 4 * 1000);
  });

  it('decoder_model_merged.onnx (GPT-2: position_ids, use_cache_branch [1])', () => {
    const l = layoutOf(optimumDecoder({ layers: 12, kv: 12, hd: 64, vocab: 50257, merged: true }));
    expect(l.kind).toBe('merged');
    expect(l.useCacheBranch).toBe('use_cache_branch');
    expect(l.describe).toMatch(/merged/);
  });

  it('without position_ids (Gemma, Bloom: the graph counts positions itself)', () => {
    const l = layoutOf(optimumDecoder({ layers: 2, kv: 1, hd: 256, vocab: 256000, positionIds: false }));
    expect(l.kind).toBe('with-past');
    expect(l.positionIds).toBeUndefined();
  });

  it('without a cache (text-generation, no -with-past: logits only)', () => {
    const l = layoutOf(optimumDecoder({ layers: 2, kv: 2, hd: 16, vocab: 512, past: false }));
    expect(l).toMatchObject({ kind: 'no-cache', layers: [] });
    expect(cacheBytes(l, 4096)).toBe(0);
  });

  it('fp16 cache, symbolic dims filled from config.json, num_logits_to_keep', () => {
    const io = optimumDecoder({ layers: 30, kv: 'num_key_value_heads' as unknown as number, hd: 'head_dim' as unknown as number, vocab: 49152, cache: 'float16' });
    io.inputs.push(t('num_logits_to_keep', 'int64', []));
    const l = layoutOf(io, { num_attention_heads: 9, num_key_value_heads: 3, hidden_size: 576, vocab_size: 49152 });
    expect(l).toMatchObject({ cacheType: 'float16', kvHeads: 3, headDim: 64, numLogitsToKeep: 'num_logits_to_keep' });
    expect(cacheBytes(l, 10)).toBe(2 * 30 * 3 * 64 * 2 * 10);
  });

  it('refuses what it cannot feed, naming it', () => {
    const embeds = optimumDecoder({ layers: 1, kv: 1, hd: 8, vocab: 10 });
    embeds.inputs[0] = t('inputs_embeds', 'float32', [B, S, 64]);
    expect(refusalOf(embeds)).toMatchObject({ kind: 'inputs', message: expect.stringMatching(/inputs_embeds/) });
    // GPTBigCode before transformers 4.54: one fused key_value tensor per layer
    const bigcode = optimumDecoder({ layers: 1, kv: 1, hd: 8, vocab: 10, past: false });
    bigcode.inputs.push(t('past_key_values.0.key_value', 'float32', [B, 'past_sequence_length', 128]));
    expect(refusalOf(bigcode)).toMatchObject({ kind: 'inputs', message: expect.stringMatching(/past_key_values\.0\.key_value/) });
    // a hybrid cache (LFM2's convolution state): not a key-value cache
    const hybrid = optimumDecoder({ layers: 1, kv: 1, hd: 8, vocab: 10 });
    hybrid.inputs.push(t('past_conv.1', 'float32', [B, 1024, 3]));
    expect(refusalOf(hybrid).message).toMatch(/past_conv\.1/);
    // a cache without its present outputs
    const half = optimumDecoder({ layers: 1, kv: 1, hd: 8, vocab: 10 });
    half.outputs = half.outputs.filter((o) => o.name !== 'present.0.value');
    expect(refusalOf(half).message).toMatch(/present\.0\.value/);
  });

  it('refuses encoder-decoders, vision graphs and non-decoders by their I/O', () => {
    const t5 = { inputs: [t('encoder_attention_mask', 'int64', [B, 'encoder_sequence_length']), t('input_ids', 'int64', [B, S]), t('encoder_hidden_states', 'float32', [B, 'encoder_sequence_length', 512])], outputs: [t('logits', 'float32', [B, S, 32128])] };
    expect(refusalOf(t5).kind).toBe('encoder-decoder');
    expect(refusalOf({ inputs: [t('pixel_values', 'float32', [B, 3, 224, 224])], outputs: [t('logits', 'float32', [B, 1000])] }).kind).toBe('vision');
    const bert = { inputs: [t('input_ids', 'int64', [B, S]), t('attention_mask', 'int64', [B, S]), t('token_type_ids', 'int64', [B, S])], outputs: [t('last_hidden_state', 'float32', [B, S, 768])] };
    expect(refusalOf(bert).kind).toBe('no-decoder');
  });
});

describe('precision variants from a repo listing', () => {
  // onnx-community's layout (transformers.js v3+): one decoder graph per precision; fp32 with external data
  const files = [
    { path: 'config.json', size: 700 },
    { path: 'tokenizer.json', size: 3_500_000 },
    { path: 'onnx/model.onnx', size: 400_000 },
    { path: 'onnx/model.onnx_data', size: 2_000_000_000 },
    { path: 'onnx/model.onnx_data_1', size: 400_000_000 },
    { path: 'onnx/model_fp16.onnx', size: 1_200_000_000 },
    { path: 'onnx/model_quantized.onnx', size: 600_000_000 },
    { path: 'onnx/model_q4.onnx', size: 800_000_000 },
    { path: 'onnx/model_q4f16.onnx', size: 480_000_000 },
    { path: 'onnx/model_bnb4.onnx', size: 780_000_000 },
  ];

  it('reads each precision with its external data and total size, in transformers.js order', () => {
    const v = graphVariants(files);
    const fp32 = v.find((x) => x.dtype === 'fp32')!;
    expect(fp32.data.map((d) => d.path)).toEqual(['onnx/model.onnx_data', 'onnx/model.onnx_data_1']);
    expect(fp32.bytes).toBe(2_400_400_000);
    expect(decoderPrecisions(v).map((p) => p.dtype)).toEqual(['fp32', 'fp16', 'q8', 'q4', 'q4f16', 'bnb4']);
    expect(v.find((x) => x.file.path === 'onnx/model_q4f16.onnx')).toMatchObject({ graph: 'model', dtype: 'q4f16' });
  });

  it("Optimum's older layout: the merged decoder is preferred over decoder_model / decoder_with_past_model", () => {
    const older = ['decoder_model', 'decoder_with_past_model', 'decoder_model_merged'].flatMap((g) => [`onnx/${g}.onnx`, `onnx/${g}_quantized.onnx`]).map((path) => ({ path, size: 1 }));
    const p = decoderPrecisions(graphVariants(older));
    expect(p.map((x) => [x.dtype, x.variant.graph])).toEqual([['fp32', 'decoder_model_merged'], ['q8', 'decoder_model_merged']]);
  });

  it('refuses whole repos: no ONNX, an encoder-decoder, a vision(-language) model, no decoder', () => {
    expect(repoRefusal('a/b', { model_type: 'llama' }, [])?.kind).toBe('no-onnx');
    const t5 = graphVariants([{ path: 'onnx/encoder_model.onnx' }, { path: 'onnx/decoder_model_merged.onnx' }]);
    expect(repoRefusal('Xenova/t5-small', { model_type: 't5', is_encoder_decoder: true }, t5)?.kind).toBe('encoder-decoder');
    const vlm = graphVariants([{ path: 'onnx/vision_encoder.onnx' }, { path: 'onnx/embed_tokens.onnx' }, { path: 'onnx/decoder_model_merged.onnx' }]);
    expect(repoRefusal('HuggingFaceTB/SmolVLM-256M-Instruct', { model_type: 'idefics3', vision_config: {} }, vlm)).toMatchObject({ kind: 'vision', message: expect.stringMatching(/vision-language/) });
    expect(repoRefusal('x/bert', { model_type: 'bert' }, graphVariants([{ path: 'onnx/sentence_encoder.onnx' }]))?.kind).toBe('no-decoder');
    expect(repoRefusal('x/llama', { model_type: 'llama' }, graphVariants(files))).toBeUndefined();
  });
});

describe('Hub addresses', () => {
  it('reads repo ids, revisions and Hub URLs', () => {
    expect(parseRepoRef('onnx-community/Qwen2.5-0.5B-Instruct')).toEqual({ repo: 'onnx-community/Qwen2.5-0.5B-Instruct', revision: 'main' });
    expect(parseRepoRef(' HuggingFaceTB/SmolLM2-135M-Instruct@v1.0 ')).toEqual({ repo: 'HuggingFaceTB/SmolLM2-135M-Instruct', revision: 'v1.0' });
    expect(parseRepoRef('https://huggingface.co/Xenova/gpt2/tree/refs%2Fpr%2F3')).toEqual({ repo: 'Xenova/gpt2', revision: 'refs/pr/3', host: 'https://huggingface.co/' });
    expect(parseRepoRef('http://127.0.0.1:4284/lcp-test/tiny-llama/resolve/main/config.json')).toMatchObject({ repo: 'lcp-test/tiny-llama', host: 'http://127.0.0.1:4284/' });
    expect(isRefusal(parseRepoRef('not a repo'))).toBe(true);
    expect(isRefusal(parseRepoRef(''))).toBe(true);
  });

  it('builds file and listing URLs from the host and path template (a mirror, a plain folder)', () => {
    const ref = { repo: 'org/m', revision: 'refs/pr/1' };
    expect(fileUrl(HUGGING_FACE, ref, 'onnx/model.onnx')).toBe('https://huggingface.co/org/m/resolve/refs%2Fpr%2F1/onnx/model.onnx');
    expect(fileUrl({ host: 'http://mirror.local/hf', pathTemplate: '{model}/', listing: 'probe' }, ref, 'config.json')).toBe('http://mirror.local/hf/org/m/config.json');
    expect(listingUrl(HUGGING_FACE, { repo: 'org/m', revision: 'main' })).toBe('https://huggingface.co/api/models/org/m/tree/main?recursive=true');
    expect(nextPage('<https://huggingface.co/api/models/org/m/tree/main?recursive=true&cursor=abc>; rel="next"')).toBe('https://huggingface.co/api/models/org/m/tree/main?recursive=true&cursor=abc');
    expect(nextPage(null)).toBeUndefined();
  });
});
