// The playground as a person uses it, in real Chromium against the built app.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { Playground } from './pageObjects';

const LONG = readFileSync('public/data/heldout.txt', 'utf8').slice(0, 120_000);
const A = 'transformer-tiny';
const B = 'perceiver-ar-tiny';

test('paste a long text, run two models on WASM, sweep: both series in the charts and both prediction panels', async ({ page }) => {
  const [A, B] = ['transformer-compare', 'perceiver-ar-compare'];
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly([A, B]);
  await pg.setBackend('wasm');
  await pg.paste(LONG);
  await pg.run();
  for (const id of [A, B]) {
    await expect(pg.bpb(id)).toHaveText(/^\d+\.\d{3}$/);
    await expect(page.getByTestId(`ran-${id}`)).toContainText('ran on wasm');
  }
  await page.getByTestId('sweep-max').selectOption('2048');
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-run')).toBeVisible({ timeout: 120_000 }); // back from Stop: sweep done
  // one legend for every chart: a colour per model and backend, and what is drawn for it
  for (const id of [A, B]) await expect(pg.legend(`${id} (wasm)`)).toContainText('sweep medians');
  for (const chart of ['chart-latency', 'chart-memory']) {
    // each sweep series is drawn: a path through its points (a flat line has no height, so check its geometry); the
    // runs before the sweep are single-run series of their own (diamonds, no line); dashed lines (the estimate, the
    // cached prefill) are others
    for (const id of [A, B])
      await expect(page.getByTestId(chart).locator(`path.recharts-line-curve[name="${id} (wasm)"], path.recharts-line-curve[name="${id} (wasm) measured"]`)).toHaveAttribute('d', /^M[\d.]+,[\d.]+L/);
  }
  await expect(pg.legend(`${A} (wasm)`)).toContainText('single runs (slider)');
  await expect(pg.legend(`${A} (wasm)`)).toContainText('estimate');
  await expect(page.getByTestId('chart-memory').locator(`path.recharts-line-curve[name="${A} (wasm) estimate"]`)).toHaveAttribute('d', /^M[\d.]+,[\d.]+L/);
  await expect(page.getByTestId('charts-example')).toHaveCount(0); // measured here now: the example is gone
  // first runs apart: each sweep point's first run a hollow circle in the latency chart
  await expect(page.getByTestId('chart-latency').locator('.sweep-first')).toHaveCount(8);
  const rows = page.getByTestId('results-table').locator('tbody tr');
  await expect(rows).toHaveCount(8); // 2 models x N = 256, 512, 1024, 2048
  await page.screenshot({ path: 'docs/screenshot.png', fullPage: true }); // the README shows it
});

test('the slider changes N, models re-run at the new N, and a model past its limit says so', async ({ page }) => {
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly([A, 'perceiver-ar-compare']);
  await pg.setBackend('wasm');
  await pg.paste(LONG);
  await pg.setContext(512);
  await expect(page.getByTestId(`window-${A}`)).toHaveText('512');
  await pg.setContext(4096); // settles, then re-runs by itself
  await expect(page.getByTestId('window-perceiver-ar-compare')).toHaveText('4,096');
  await expect(page.getByTestId(`window-${A}`)).toHaveText('1,024');
  await expect(page.getByTestId(`clipped-${A}`)).toContainText("this model's limit is 1,024 bytes");
  // one latency pipeline: each run is a single-run point in the charts (diamonds), at the N it used; N is marked on every chart
  const latency = page.getByTestId('chart-latency');
  await expect(pg.legend(`${A} (wasm)`)).toContainText('single runs (slider)');
  await expect(pg.legend('perceiver-ar-compare (wasm)')).toContainText('single runs (slider)');
  // both models at 512, then at 4,096 (the Transformer at its 1,024); a slow key press may have settled at an N between
  const singles: string[] = await page.evaluate(() => (window as any).lcp.store.getState().singles.map((r: any) => `${r.modelId}@${r.contextLength}`));
  expect(singles).toEqual(expect.arrayContaining([`${A}@512`, `${A}@1024`, 'perceiver-ar-compare@512', 'perceiver-ar-compare@4096']));
  await expect(latency.locator('.single-run')).toHaveCount(singles.length);
  // a first run at its N is drawn hollow, a re-run at the same N filled
  const firsts: number = await page.evaluate(() => (window as any).lcp.store.getState().singles.filter((r: any) => r.first).length);
  await expect(latency.locator('.single-run.first-run')).toHaveCount(firsts);
  await expect(page.getByTestId('chart-throughput').locator('.single-run')).toHaveCount(singles.length);
  for (const chart of ['chart-latency', 'chart-memory', 'chart-throughput']) {
    await expect(page.getByTestId(chart).locator('.current-n line')).toHaveCount(1);
    await expect(page.getByTestId(chart).getByRole('application')).toContainText('N = 4k');
  }
  await expect(page.getByTestId('charts-key')).toContainText('single runs from the slider (one run each, not a median)');
});

test('a share link restores the same state in a fresh page and its re-run gives the same predictions', async ({ page, context }) => {
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly([A, B]);
  await pg.setBackend('wasm');
  await pg.paste('The quick brown fox <b>jumps</b> over the lazy dog. '.repeat(30));
  await pg.setContext(724);
  // the slider may settle at an N on the way (a slow key press) and run there first: read the results at 724
  for (const id of [A, B]) await expect(page.getByTestId(`window-${id}`)).toHaveText('724');
  await expect(pg.bpb(A)).toHaveText(/\d/);
  const before = { a: await pg.bpb(A).innerText(), b: await pg.bpb(B).innerText() };
  await expect(page).toHaveURL(/#s=[A-Za-z0-9_-]+$/); // the address bar follows the state by itself
  await page.getByTestId('copy-link-run').click();
  await expect(page.getByTestId('share-message')).toContainText('Link copied');
  const url = page.url();
  expect(url).toMatch(/#s=[A-Za-z0-9_-]+$/);

  const fresh = await context.newPage();
  const pg2 = new Playground(fresh);
  await pg2.open(url.slice(url.indexOf('#')));
  await expect(fresh.getByTestId(`pick-${A}`)).toBeChecked();
  await expect(fresh.getByTestId(`pick-${B}`)).toBeChecked();
  await pg2.showUntrained();
  await expect(fresh.getByTestId('pick-transformer-xl-tiny')).not.toBeChecked();
  await expect(fresh.getByTestId('context-value')).toHaveText('724');
  await expect(fresh.getByTestId('input-text')).toHaveValue(/<b>jumps<\/b>/); // text stays text
  expect(await fresh.locator('b', { hasText: 'jumps' }).count()).toBe(0);
  await expect(pg2.bpb(A)).toHaveText(before.a);
  await expect(pg2.bpb(B)).toHaveText(before.b);
});

test('bad inputs give clear messages and lose nothing', async ({ page }) => {
  const pg = new Playground(page);
  // a malformed link: a message, and the page still works
  await pg.open('#s=not-valid-data');
  await expect(page.getByTestId('banner')).toContainText('damaged');
  await pg.selectOnly([A, B]);
  await pg.setBackend('wasm');

  // empty input
  await page.getByTestId('input-text').fill('');
  await expect(page.getByTestId('input-error')).toContainText('empty');
  await pg.run();
  await expect(page.getByTestId('input-error')).toContainText('empty');

  // a binary file: refused, the text that was there stays
  await pg.paste('keep this text, please. '.repeat(20));
  await page.getByTestId('file-input').setInputFiles({ name: 'image.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]) });
  await expect(page.getByTestId('input-error')).toContainText('binary');
  await expect(page.getByTestId('input-text')).toHaveValue(/keep this text/);
  await expect(page.getByTestId('byte-count')).toHaveText('480 bytes');

  // input longer than every selected model allows: said plainly, and each model shows the window it used
  await pg.paste(LONG);
  await expect(page.getByTestId('input-notice')).toContainText('longer than any selected model allows (at most 1,024 bytes)');
  await pg.setContext(1024);
  await pg.run();
  for (const id of [A, B]) await expect(page.getByTestId(`window-${id}`)).toHaveText('1,024');
  const kept = await pg.bpb(B).innerText();

  // a corrupted model file: that model reports it, the other keeps its result and keeps working
  await page.evaluate(() => (window as any).lcp.engine.cache.clear());
  await page.route('**/models/transformer-xl-tiny/model.onnx', (r) => r.fulfill({ body: Buffer.from('garbage'.repeat(100)) }));
  await page.getByTestId('pick-transformer-xl-tiny').check();
  await pg.run();
  await expect(page.getByTestId('error-transformer-xl-tiny')).toContainText('corrupted');
  await expect(pg.bpb(B)).toHaveText(kept);
  await expect(pg.bpb(A)).toHaveText(/\d/);
});

test('the WebGPU path runs a tiny model end to end on the software adapter', async ({ page }) => {
  test.setTimeout(300_000);
  const pg = new Playground(page);
  await pg.open();
  await expect(page.getByTestId('adapter-info')).toContainText('WebGPU:');
  await pg.selectOnly([B]);
  await pg.setBackend('webgpu');
  await pg.paste('WebGPU in a worker, on SwiftShader. '.repeat(10));
  await pg.setContext(256);
  await pg.run();
  await expect(page.getByTestId(`ran-${B}`)).toContainText('ran on webgpu', { timeout: 240_000 });
  await expect(pg.bpb(B)).toHaveText(/^\d+\.\d{3}$/, { timeout: 240_000 });
});

test('downloaded models are listed in the cache panel and can be deleted; results export as CSV', async ({ page }) => {
  const pg = new Playground(page);
  await pg.open();
  await page.evaluate(() => (window as any).lcp.engine.cache.clear());
  await pg.selectOnly([A]);
  await pg.setBackend('wasm');
  await pg.paste('cache me if you can. '.repeat(20));
  await pg.run();
  await expect(pg.bpb(A)).toHaveText(/\d/);
  await page.getByText('Cached models').click();
  const entry = page.locator('.cache li', { hasText: A });
  await expect(entry).toContainText('KiB');
  await entry.getByRole('button', { name: 'delete' }).click();
  await expect(entry).toHaveCount(0);

  await page.getByTestId('sweep-max').selectOption('512');
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('results-table').locator('tbody tr')).toHaveCount(2);
  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click(); // the results' CSV (the recall and trade-off panels have their own)
  const csv = await (await download).createReadStream().then(async (s) => {
    let text = '';
    for await (const chunk of s) text += chunk;
    return text;
  });
  expect(csv.split('\n')[0]).toContain('model,backend,context');
  expect(csv).toContain(`${A},wasm,256,`);
  expect(csv).toContain(`${A},wasm,512,`);
});

test("the paper's copy task: the copy-trained Perceiver AR reads the first N bytes and copies from 65k bytes back", async ({ page }) => {
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly(['perceiver-ar-copy', 'perceiver-ar-compare']);
  await pg.setBackend('wasm');
  await page.getByTestId('preset-mirror').click();
  await expect(page.getByTestId('byte-count')).toHaveText('65,536 bytes');
  await expect(page.getByTestId('preset-note')).toContainText('reads the FIRST N bytes');
  await pg.setContext(65536);
  await pg.run();
  // its 256 scored bytes repeat bytes 65,023 to 65,535 positions back; the text model has not learned the task
  await expect(pg.bpb('perceiver-ar-copy')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('prefix-perceiver-ar-copy')).toBeVisible();
  expect(Number(await pg.bpb('perceiver-ar-copy').innerText())).toBeLessThan(0.5);
  await expect(pg.bpb('perceiver-ar-compare')).toBeVisible({ timeout: 120_000 });
  expect(Number(await pg.bpb('perceiver-ar-compare').innerText())).toBeGreaterThan(4);
  // its card: the training curve (fetched when the details open) and the evaluation by copy distance
  const card = page.getByTestId('model-perceiver-ar-copy');
  await card.locator('summary').click();
  await expect(page.getByTestId('training-curve-perceiver-ar-copy').locator('path.recharts-line-curve')).toHaveAttribute('d', /^M[\d.]+,[\d.]+L/);
  await expect(card).toContainText("Mirrored copy (the paper's task), accuracy per byte by distance");
});

test('where the model reads: a copy-trained latent peaks at the byte it copies, 65k bytes back; a decoder shows its map too', async ({ page }) => {
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly(['perceiver-ar-copy', 'transformer-tiny']);
  await pg.setBackend('wasm');
  await page.getByTestId('preset-mirror').click();
  await expect(page.getByTestId('byte-count')).toHaveText('65,536 bytes');
  await pg.setContext(65536);
  await pg.run();
  await expect(pg.bpb('perceiver-ar-copy')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('attention-perceiver-ar-copy').locator('summary').click();
  await page.getByTestId('attention-query-perceiver-ar-copy').fill('65280'); // the first of its 256 latents
  await page.getByTestId('attention-run-perceiver-ar-copy').click();
  const peak = page.getByTestId('attention-peak-perceiver-ar-copy');
  await expect(peak).toBeVisible({ timeout: 120_000 });
  const q = Number(await peak.getAttribute('data-query'));
  expect(q).toBe(65280);
  const source = 65536 - 1 - (q + 1); // the byte after q repeats this one (the mirrored position)
  expect(Math.abs(Number(await peak.getAttribute('data-peak')) - source)).toBeLessThanOrEqual(64);
  await expect(page.getByTestId('attention-strip-perceiver-ar-copy')).toBeVisible();
  await expect(page.getByTestId('attention-chart-perceiver-ar-copy').locator('path.recharts-line-curve')).toHaveAttribute('d', /^M[\d.]+,[\d.]+L/);

  // a decoder: its last position, in its first layer, over the last 1,024 bytes (its limit)
  await expect(pg.bpb('transformer-tiny')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('attention-transformer-tiny').locator('summary').click();
  await page.getByTestId('attention-run-transformer-tiny').click();
  const dpeak = page.getByTestId('attention-peak-transformer-tiny');
  await expect(dpeak).toBeVisible({ timeout: 60_000 });
  expect(Number(await dpeak.getAttribute('data-query'))).toBe(65535);
  expect(Number(await dpeak.getAttribute('data-peak'))).toBeGreaterThanOrEqual(65536 - 1024);
  await expect(page.getByTestId('attention-transformer-tiny')).toContainText('the first self-attention layer');
});
