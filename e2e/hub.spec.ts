// Decoders from the Hugging Face Hub (issue 20), with no network: models/hub_fixture.py's tiny Llama in the
// Optimum / transformers.js layout, served by the local Hub stand-in (scripts/hub-server.ts) under the Hub's URL
// scheme. Loaded by repo id in the page, it is measured like the bundled models (a sweep with cached decoding),
// generates, and its cached decoding gives the tokens of greedy full forwards, on WASM and on WebGPU (software
// adapter); every bad repo gets its message and the page keeps what it had.
import { test, expect, type Page } from '@playwright/test';
import { ensureHubFixture } from '../scripts/lib/hubFixture';
import { startHubServer, type HubServer } from '../scripts/hub-server';
import { Playground } from './pageObjects';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer, type HubTokenizer } from '../src/hub/tokenizer';

const { root, meta } = ensureHubFixture();
const ref = meta.reference!;
let hub: HubServer;

test.beforeAll(async () => {
  hub = await startHubServer({ root, meta });
});
test.afterAll(() => hub?.close());

/** Points the page at the local Hub stand-in and loads `repo` in `dtype`; returns the model id it was added as. */
async function loadFromHub(page: Page, repo: string, dtype = 'fp32'): Promise<string> {
  await page.getByText('Hub address:').click();
  await page.getByTestId('hub-host').fill(hub.url);
  await page.getByTestId('hub-address-save').click();
  await page.getByTestId('hub-repo').fill(repo);
  await page.getByTestId('hub-open').click();
  await page.getByTestId(`hub-load-${dtype}`).click();
  await expect(page.getByTestId('hub-describe')).toBeVisible({ timeout: 180_000 });
  const card = page.locator(`[data-testid^=model-hub-${repo.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${dtype}-]`);
  return (await card.getAttribute('data-testid'))!.slice('model-'.length);
}

type Gen = { tokens: number[]; bytes: number[]; cached: boolean; msPerByte?: number; stateBytes?: number; stateOn?: 'cpu' | 'gpu' };
async function generate(page: Page, id: string, prompt: string, o: object): Promise<Gen> {
  return page.evaluate(
    async ({ id, prompt, o }) => {
      const r = await (window as any).lcp.engine.generate(id, new TextEncoder().encode(prompt), { maxBytes: 16, temperature: 0, ...o });
      return { tokens: r.tokens, bytes: Array.from(r.bytes as Uint8Array), cached: r.cached, msPerByte: r.msPerByte, stateBytes: r.stateBytes, stateOn: r.stateOn };
    },
    { id, prompt, o },
  );
}

test('WASM: loaded by repo id from the local Hub, swept with decoding, generated; cached tokens equal greedy full forwards', async ({ page }) => {
  test.setTimeout(300_000);
  const pg = new Playground(page);
  await pg.open();
  await pg.setBackend('wasm');
  await page.getByTestId('hub-repo').fill(`${meta.org}/tiny-llama`);
  const id = await loadFromHub(page, `${meta.org}/tiny-llama`);
  await expect(page.getByTestId('hub-choices')).toContainText('fp32');
  await expect(page.getByTestId('hub-load-q8')).toBeVisible();

  await page.evaluate((id) => (window as any).lcp.engine.load(id, 'wasm'), id);
  // cached decoding (past_key_values fed back) and the cache switched off (a full forward per token): PyTorch's tokens
  const cached = await generate(page, id, ref.text, { cache: true });
  const full = await generate(page, id, ref.text, { cache: false, contextLength: 4096 }); // a window over everything: full forwards
  expect(cached.tokens).toEqual(ref.greedy);
  expect(full.tokens).toEqual(ref.greedy);
  expect(cached.cached && !full.cached).toBe(true);
  expect(cached.stateBytes).toBe(2 * meta.config.layers * meta.config.kv_heads * (meta.config.d / meta.config.heads) * (ref.ids.length + 15) * 4);
  expect(cached.stateOn).toBe('cpu'); // WASM: the cache is in the WASM heap

  // a sweep with decoding, as the bundled models are measured (N in tokens)
  const points = await page.evaluate(
    (id) => (window as any).lcp.engine.sweep({ modelIds: [id], backends: ['wasm'], contextLengths: [64, 128], decode: true, measure: { warmupRuns: 0, minRuns: 2, minTimeMs: 0, maxRuns: 2 } }, () => {}),
    id,
  );
  expect(points).toHaveLength(2);
  for (const p of points) {
    expect(p).toMatchObject({ ok: true, modelId: id, backend: 'wasm', decode: { ok: true, stateBytes: expect.any(Number) } });
    expect(p.decode.stepsMs.length).toBe(32);
    expect(p.estimate.cacheBytes).toBe(2 * meta.config.layers * meta.config.kv_heads * (meta.config.d / meta.config.heads) * p.contextLength * 4);
  }
});

test('WASM in the page: predictions per token, Continue, the per-operator profile, a share link that reloads it from the cache', async ({ page }) => {
  test.setTimeout(300_000);
  const pg = new Playground(page);
  await pg.open();
  await pg.setBackend('wasm');
  const id = await loadFromHub(page, `${meta.org}/tiny-llama`, 'q8');
  await expect(page.getByTestId(`hub-card-${id}`)).toContainText('q8');
  await pg.selectOnly([id, 'transformer-tiny']);
  await pg.paste(ref.text.repeat(4));
  // the byte count and the token count side by side
  const dir = join(root, meta.org, 'tiny-llama');
  const tok = loadTokenizer(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')), 'fixture') as HubTokenizer;
  const tokens = tok.encode(ref.text.repeat(4)).length;
  await expect(page.getByTestId(`token-count-${id}`)).toHaveText(` = ${tokens.toLocaleString('en-US')} tokens for ${meta.org}/tiny-llama q8`);
  await pg.run();
  await expect(pg.bpb(id)).toHaveText(/^\d+\.\d{3}$/);
  await expect(page.getByTestId(`window-${id}`)).toHaveText(/^\d+$/);
  await expect(page.getByTestId(`surprisal-${id}`).locator('span').first()).toBeVisible();
  await expect(pg.bpb('transformer-tiny')).toHaveText(/^\d+\.\d{3}$/); // the bundled model beside it still runs
  await page.getByTestId(`surprisal-${id}`).locator('span').last().hover();
  await expect(page.getByTestId(`token-detail-${id}`)).toContainText('bits');

  await page.getByTestId(`continue-${id}`).click();
  await expect(page.getByTestId(`continue-result-${id}`)).toContainText(/\d+ tokens on wasm/);
  await expect(page.getByTestId(`continue-result-${id}`)).toContainText('Key-value cache');

  const prof = await page.evaluate((id) => (window as any).lcp.engine.profile(id, 'wasm', 64, { windows: 1 }), id);
  expect(prof.ok).toBe(true);
  expect(prof.kernels).toBeGreaterThan(0);
  expect(Object.keys(prof.byCategory).length).toBeGreaterThan(1);

  // the link carries the repo and precision; opened fresh, the model is loaded again (from this browser's cache)
  const link = await page.evaluate(() => location.hash);
  expect(decodeURIComponent(link).length).toBeGreaterThan(10);
  await hub.stats.clear();
  await page.goto(`/${link}`);
  await page.waitForFunction(() => (window as any).lcp?.engine);
  await expect(page.getByTestId(`pick-${id}`)).toBeChecked({ timeout: 60_000 });
  const weights = [...hub.stats.keys()].filter((k) => k.includes('/resolve/') && k.endsWith('.onnx'));
  expect(weights).toEqual([]); // the graph came from the Cache API
});

test('WebGPU (software adapter): cached decoding gives the greedy full-forward tokens; a sweep with decoding', async ({ page }) => {
  test.setTimeout(900_000); // SwiftShader runs every kernel on the CPU: minutes on a loaded 2-core machine
  const pg = new Playground(page);
  await pg.open();
  await pg.setBackend('webgpu');
  const id = await loadFromHub(page, `${meta.org}/tiny-llama`);
  await page.evaluate((id) => (window as any).lcp.engine.load(id, 'webgpu'), id);
  const cached = await generate(page, id, ref.text, { cache: true, maxBytes: 8 });
  const full = await generate(page, id, ref.text, { cache: false, contextLength: 4096, maxBytes: 8 });
  expect(cached.tokens).toEqual(ref.greedy.slice(0, 8));
  expect(cached.stateOn).toBe('gpu'); // the key-value cache stayed in GPU buffers (present.* fed back as past_key_values.*)
  expect(cached.stateBytes).toBeGreaterThan(0);
  expect(full.tokens).toEqual(ref.greedy.slice(0, 8));
  const points = await page.evaluate(
    (id) => (window as any).lcp.engine.sweep({ modelIds: [id], backends: ['webgpu'], contextLengths: [40], decode: true, measure: { warmupRuns: 0, minRuns: 1, minTimeMs: 0, maxRuns: 1 } }, () => {}),
    id,
  );
  expect(points).toHaveLength(1);
  expect(points[0]).toMatchObject({ ok: true, backend: 'webgpu', contextLength: 40, provenance: { ep: 'webgpu-jsep' }, decode: { ok: true, promptBytes: 8 } });
  expect(points[0].decode.stepsMs).toHaveLength(32);
});

test('bad repos: each a clear message, and the page keeps the model it had', async ({ page }) => {
  test.setTimeout(300_000);
  const pg = new Playground(page);
  await pg.open();
  await pg.setBackend('wasm');
  const id = await loadFromHub(page, `${meta.org}/tiny-llama`);
  const cases: [string, RegExp][] = [
    [`${meta.org}/does-not-exist`, /was not found: check the id/],
    [`${meta.org}/private-llama`, /not found, or it is private or gated/],
    [`${meta.org}/no-onnx`, /has no ONNX files/],
    [`${meta.org}/tiny-t5`, /is an encoder-decoder model/],
    [`${meta.org}/tiny-vit`, /is a vision model/],
    [`${meta.org}/tiny-bert`, /gives no logits .* not a language-model decoder/],
    [`${meta.org}/embeds-decoder`, /reads embeddings \(inputs_embeds\) instead of token ids/],
    [`${meta.org}/bad-tokenizer`, /tokenizer\.json cannot be read by the tokenizer library/],
    [`${meta.org}/huge-llama`, /over the 4\.00 GiB that WebAssembly \(wasm32\) can address/],
    [`${meta.org}/tiny-llama-flaky`, /stopped after .* the network failed\. Nothing of it was kept/],
    ['not a repo id', /is not a Hub repo id/],
  ];
  for (const [repo, message] of cases) {
    await page.getByTestId('hub-repo').fill(repo);
    await page.getByTestId('hub-open').click();
    await expect(page.getByTestId('hub-busy')).toHaveCount(0);
    const load = page.getByTestId('hub-load-fp32');
    if ((await load.count()) && (await load.isDisabled())) await expect(page.getByTestId('hub-problem-fp32')).toHaveText(message); // refused before downloading
    else {
      if (await load.count()) await load.click();
      await expect(page.getByTestId('hub-error')).toHaveText(message);
    }
    await expect(page.getByTestId(`pick-${id}`)).toBeChecked(); // the model already loaded is still there, selected
  }
  // the file cut off mid-download was not cached (the small files before it were, whole and checked)
  const cached = await page.evaluate(async () => (await (await caches.open('lcp-hub-v1')).keys()).map((r) => new URL(r.url).pathname));
  expect(cached).toContain(`/${'lcp-test'}/tiny-llama-flaky/resolve/main/config.json`);
  expect(cached.filter((u) => u.includes('tiny-llama-flaky') && u.includes('.onnx'))).toEqual([]);
  await page.getByText('Cached Hub models').click();
  await expect(page.getByTestId(`hub-cached-${meta.org}/tiny-llama`)).toBeVisible();
  // delete from the cache panel
  await page.getByTestId(`hub-delete-${meta.org}/tiny-llama`).click();
  await expect(page.getByTestId(`hub-cached-${meta.org}/tiny-llama`)).toHaveCount(0);
  await pg.paste(ref.text);
  await pg.selectOnly([id]);
  await pg.run();
  await expect(pg.bpb(id)).toHaveText(/^\d+\.\d{3}$/); // still runs: its files are in the page
});

test('by Hub URL (a merged decoder) and from a dropped folder (a graph without a cache): both give the greedy tokens', async ({ page }) => {
  test.setTimeout(300_000);
  const pg = new Playground(page);
  await pg.open();
  await pg.setBackend('wasm');
  // a URL names its own host: the page asks that host, whatever its Hub address setting
  await page.getByTestId('hub-repo').fill(`${hub.url}${meta.org}/tiny-llama-merged/tree/main`);
  await page.getByTestId('hub-open').click();
  await page.getByTestId('hub-load-fp32').click();
  await expect(page.getByTestId('hub-describe')).toContainText('merged (use_cache_branch)', { timeout: 180_000 });
  const merged = (await page.locator('[data-testid^=hub-card-hub-lcp-test-tiny-llama-merged-]').getAttribute('data-testid'))!.slice('hub-card-'.length);
  await page.evaluate((id) => (window as any).lcp.engine.load(id, 'wasm'), merged);
  expect((await generate(page, merged, ref.text, { cache: true })).tokens).toEqual(ref.greedy);

  await page.getByTestId('hub-folder').setInputFiles(join(root, meta.org, 'tiny-llama-nocache'));
  await page.getByTestId('hub-load-fp32').click();
  await expect(page.getByTestId('hub-describe')).toContainText('without a cache', { timeout: 180_000 });
  const card = page.locator('[data-testid^=hub-card-hub-folder-tiny-llama-nocache-]');
  await expect(card).toContainText('dropped folder');
  const folder = (await card.getAttribute('data-testid'))!.slice('hub-card-'.length);
  await page.evaluate((id) => (window as any).lcp.engine.load(id, 'wasm'), folder);
  // no cache in the graph: generation re-runs the window (cache off), and says so when asked for the cache
  expect((await generate(page, folder, ref.text, { cache: false, contextLength: 4096 })).tokens).toEqual(ref.greedy);
  const err = await page.evaluate((id) => (window as any).lcp.engine.generate(id, new TextEncoder().encode('hi'), { maxBytes: 2 }).then(() => '', (e: Error) => e.message), folder);
  expect(err).toMatch(/has no cache \(its graph has no past_key_values inputs\) for cached decoding: switch the cache off/);
});
