// Opening Hub repos (src/hub/repo.ts) from the local Hub stand-in (scripts/hub-server.ts) over real HTTP: the
// listing (paged), the precisions with sizes, the graph read before its weights, external data, the tokenizer
// (@huggingface/tokenizers gives the ids the fixture's own BPE gave), and each refusal in words: not found,
// private, no ONNX, encoder-decoder, vision, no decoder, inputs it cannot feed, too large for WASM, a tokenizer
// the library cannot read, the network failing mid-download. A mirror without the listing API is probed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureHubFixture } from '../../scripts/lib/hubFixture';
import { startHubServer, type HubServer } from '../../scripts/hub-server';
import { HubError, gitBlobOid, sha256Hex } from '../../src/hub/download';
import { inspectRepo, hubSource, loadHubDecoder, type DeviceLimits } from '../../src/hub/repo';
import type { HubAddress } from '../../src/hub/hubUrl';
import type { RefusalKind } from '../../src/hub/layout';

const { root, meta } = ensureHubFixture();
let hub: HubServer;
let address: HubAddress;
const WASM: DeviceLimits = { backend: 'wasm' };

beforeAll(async () => {
  hub = await startHubServer({ root, meta });
  address = { host: hub.url, pathTemplate: '{model}/resolve/{revision}/', listing: 'api' };
});
afterAll(() => hub.close());

const open = (repo: string, revision = 'main', a = address) => inspectRepo(hubSource(a, { repo, revision }));

async function refusalOf(f: () => Promise<unknown>): Promise<{ kind: RefusalKind; message: string }> {
  try {
    await f();
  } catch (e) {
    if (e instanceof HubError) return e.refusal;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('Hub repos from the local stand-in', () => {
  it('lists tiny-llama (paged) with its precisions and sizes, loads fp32 with external data and the tokenizer', async () => {
    const s = await open(`${meta.org}/tiny-llama`);
    expect(s.refusal).toBeUndefined();
    expect(s.files.length).toBeGreaterThan(4); // more than one page of 4
    expect(s.precisions.map((p) => p.dtype)).toEqual(['fp32', 'q8']);
    const fp32 = s.precisions[0].variant;
    expect(fp32.data.map((d) => d.path)).toEqual(['onnx/model.onnx_data']);
    expect(fp32.bytes).toBe(fp32.file.size! + fp32.data[0].size!);
    expect(fp32.file.sha256).toMatch(/^[0-9a-f]{64}$/);
    const seen: string[] = [];
    const d = await loadHubDecoder(s, 'fp32', WASM, (p) => seen.push(p.path));
    expect(d.layout.kind).toBe('with-past');
    expect(d.externalData.map((x) => x.path)).toEqual(['model.onnx_data']);
    expect(d.bytes).toBe(fp32.bytes);
    expect(await sha256Hex(d.externalData[0].data)).toBe(fp32.data[0].sha256);
    expect(new Set(seen)).toEqual(new Set(['onnx/model.onnx', 'onnx/model.onnx_data', 'tokenizer.json', 'tokenizer_config.json']));
    const ref = meta.reference!;
    expect(d.tokenizer.encode(ref.text)).toEqual(ref.ids);
    expect(d.tokenizer.decode(ref.ids)).toBe(ref.text);
    expect(d.tokenizer.eosId).toBe(0);
    expect(d.maxPositions).toBe(meta.config.max_positions);
  });

  it('a small file is checked against its git blob id (the Hub lists it, and sends it as ETag)', async () => {
    const s = await open(`${meta.org}/tiny-llama`);
    const cfg = s.files.find((f) => f.path === 'config.json')!;
    const bytes = await s.source.read(cfg);
    expect(await gitBlobOid(bytes)).toBe(cfg.gitOid);
  });

  it('the merged decoder and the graph without a cache load; q8 is one file', async () => {
    const merged = await loadHubDecoder(await open(`${meta.org}/tiny-llama-merged`), 'fp32', WASM);
    expect(merged.variant.graph).toBe('decoder_model_merged');
    expect(merged.layout.kind).toBe('merged');
    expect((await loadHubDecoder(await open(`${meta.org}/tiny-llama-nocache`), 'fp32', WASM)).layout.kind).toBe('no-cache');
    const q8 = await loadHubDecoder(await open(`${meta.org}/tiny-llama`), 'q8', WASM);
    expect(q8.externalData).toEqual([]);
    expect(q8.info.ops).toContain('MatMulInteger');
  });

  it('a mirror without the listing API: the files transformers.js asks for are probed', async () => {
    const s = await open(`${meta.org}/tiny-llama`, 'main', { ...address, listing: 'probe' });
    expect(s.precisions.map((p) => p.dtype)).toEqual(['fp32', 'q8']);
    expect(s.precisions[0].variant.data.map((d) => d.path)).toEqual(['onnx/model.onnx_data']);
    expect((await loadHubDecoder(s, 'fp32', WASM)).layout.kind).toBe('with-past');
  });

  it('refuses each bad repo with its reason, in words', async () => {
    const cases: [string, RefusalKind, RegExp][] = [
      ['lcp-test/does-not-exist', 'not-found', /not found/],
      ['lcp-test/private-llama', 'private', /private/],
      ['lcp-test/no-onnx', 'no-onnx', /no ONNX/],
      ['lcp-test/tiny-t5', 'encoder-decoder', /encoder-decoder/],
      ['lcp-test/tiny-vit', 'vision', /vision/],
      ['lcp-test/tiny-bert', 'no-decoder', /not a language-model decoder/],
      ['lcp-test/embeds-decoder', 'inputs', /inputs_embeds/],
      ['lcp-test/bad-tokenizer', 'tokenizer', /tokenizer/],
      ['lcp-test/huge-llama', 'too-large', /wasm32/],
    ];
    for (const [repo, kind, words] of cases) {
      const r = await refusalOf(async () => loadHubDecoder(await open(repo), 'fp32', WASM));
      expect([repo, r.kind]).toEqual([repo, kind]);
      expect(r.message).toMatch(words);
      if (meta.refusals?.[repo]) expect(meta.refusals[repo]).toBe(kind); // the reason the fixture made it for
    }
    expect((await refusalOf(() => open(`${meta.org}/tiny-llama`, 'no-such-branch'))).message).toMatch(/no revision "no-such-branch"/);
  });

  it('the network failing mid-download: a clear message with how far it got', async () => {
    const r = await refusalOf(async () => loadHubDecoder(await open(`${meta.org}/tiny-llama-flaky`), 'fp32', WASM));
    expect(r.kind).toBe('network');
    expect(r.message).toMatch(/onnx\/model\.onnx .*stopped after .* of .*Nothing of it was kept/);
  });

  it('WebGPU: fp16 refused without shader-f16; a weight over the adapter buffer limit refused before the weights', async () => {
    const s = await open(`${meta.org}/tiny-llama`);
    hub.stats.clear();
    const r = await refusalOf(() => loadHubDecoder(s, 'fp32', { backend: 'webgpu', maxBufferBytes: 64 * 1024 }));
    expect(r).toMatchObject({ kind: 'buffer-limit', message: expect.stringMatching(/largest weight is 128 KiB, over .* buffer limit/) });
    expect(hub.stats.get(`/${meta.org}/tiny-llama/resolve/main/onnx/model.onnx_data`)).toBeUndefined();
  });
});
