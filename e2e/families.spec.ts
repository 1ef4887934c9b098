// Every attention kind in the registry, as a person meets it: its card names the family and its attention from the
// manifest, it predicts, sweeps into the charts, the table and the CSV, and travels in a share link. One tiny model
// per attention kind (tinyPerAttentionKind).
import { test, expect } from '@playwright/test';
import { readManifest } from '../scripts/lib/nodeModel';
import { Playground, tinyPerAttentionKind } from './pageObjects';

const ids = tinyPerAttentionKind();

test('one tiny model per attention kind: card, predictions, sweep, charts, table, CSV and share link', async ({ page, context }) => {
  test.setTimeout(600_000);
  expect(ids.length).toBeGreaterThanOrEqual(7); // full, latents, segments, compressed, sparse, linear, blockwise
  const pg = new Playground(page);
  await pg.open();
  await pg.showUntrained(); // the tiny models have random weights: out of the picker's default view
  for (const id of ids) {
    const card = page.getByTestId(`model-${id}`);
    await expect(card).toContainText(readManifest(id).familyName);
    await card.locator('summary').click();
    await expect(card).toContainText('attention:');
  }
  await pg.selectOnly(ids);
  await pg.setBackend('wasm');
  await pg.paste('Attention, in many shapes, over the same bytes. '.repeat(12));
  await pg.setContext(512);
  await pg.run();
  for (const id of ids) await expect(pg.bpb(id)).toHaveText(/^\d+\.\d{3}$/, { timeout: 120_000 });

  await page.getByTestId('sweep-max').selectOption('512');
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('results-table').locator('tbody tr')).toHaveCount(2 * ids.length, { timeout: 300_000 });
  for (const id of ids) {
    await expect(pg.legend(`${id} (wasm)`)).toContainText('sweep medians');
    await expect(pg.legend(`${id} (wasm)`)).toContainText('untrained');
    await expect(page.getByTestId('chart-memory').locator(`path.recharts-line-curve[name="${id} (wasm) measured"]`)).toHaveCount(1);
  }
  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const csv = await (await download).createReadStream().then(async (s) => {
    let text = '';
    for await (const chunk of s) text += chunk;
    return text;
  });
  for (const id of ids) expect(csv).toContain(`${id},wasm,512,`);

  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('share-message')).toContainText('Link copied');
  const url = page.url();
  const fresh = await context.newPage();
  await new Playground(fresh).open(url.slice(url.indexOf('#')));
  for (const id of ids) await expect(fresh.getByTestId(`pick-${id}`)).toBeChecked();
});
