// Decoders from the Hugging Face Hub (issue 20), with no network: models/hub_fixture.py's tiny Llama in the
// Optimum / transformers.js layout, served by the local Hub stand-in (scripts/hub-server.ts) under the Hub's URL
// scheme. Loaded by repo id in the page, it is measured like the bundled models (a sweep with cached decoding),
// generates, and its cached decoding gives the tokens of greedy full forwards, on WASM and on WebGPU (software
// adapter); every bad repo gets its message and the page keeps what it had.
import { test, expect, type Page } from '@playwright/test';
import { ensureHubFixture } from '../scripts/lib/hubFixture';
import { startHubServer, type HubServer } from '../scripts/hub-server';
import { Playground } from './pageObjects';

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
  await expect(page.getByTestId('hub-describe')).toBeVisible();
  const card = page.locator(`[data-testid^=model-hub-${repo.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${dtype}-]`);
  return (await card.getAttribute('data-testid'))!.slice('model-'.length);
}

type Gen = { tokens: number[]; bytes: number[]; cached: boolean; msPerByte?: number; stateBytes?: number };
async function generate(page: Page, id: string, prompt: string, o: object): Promise<Gen> {
  return page.evaluate(
    async ({ id, prompt, o }) => {
      const r = await (window as any).lcp.engine.generate(id, new TextEncoder().encode(prompt), { maxBytes: 16, temperature: 0, ...o });
      return { tokens: r.tokens, bytes: Array.from(r.bytes as Uint8Array), cached: r.cached, msPerByte: r.msPerByte, stateBytes: r.stateBytes };
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
