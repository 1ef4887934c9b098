// An out-of-memory in the middle of a recall run, for real, in a browser whose WASM heap is capped at 64 MiB
// (smallHeap.ts): the tiny Transformer's decoding state for 65,536 positions cannot fit, while its probes of 256
// bytes read by one forward do.
import { test, expect } from '@playwright/test';
import { openTinyPair, useSmallWasmHeap } from './smallHeap';

useSmallWasmHeap();

test('out of memory mid-run: a clear message, the probes read before kept, the other model and the page go on', async ({ page }) => {
  test.setTimeout(300_000);
  const { T, P } = await openTinyPair(page);
  await page.getByTestId('recall-distances').fill('256, 65536, 512');
  await page.getByTestId('recall-probes').fill('2');
  await page.getByTestId('recall-run').click();
  await expect(page.getByTestId('recall-run')).toBeVisible({ timeout: 240_000 });
  const row = (id: string, x: number) => page.locator(`[data-testid=recall-row][data-model="${id}"][data-x="${x}"]`);
  const status = row(T, 65536).getByTestId('recall-status');
  await expect(status).toContainText('transformer-tiny ran out of memory reading 65,536-byte probes by cached decoding on wasm. Its decoding state alone is 32 MiB for 65,536 positions: try shorter probes.');
  await expect(status.locator('details.detail')).toHaveCount(1); // the runtime's words: a detail, not the message
  await expect(page.getByTestId('recall-message')).toHaveText('1 model failed at some point (see the table); the other results are kept.');
  // measured before the failure, and after it: the other model, and the shorter probes that come next
  for (const [id, x] of [[T, 256], [P, 256], [P, 512]] as const) await expect(row(id, x).locator('td').nth(5)).toHaveText('2 of 2');
  await expect(row(T, 512).getByTestId('recall-status')).toHaveText('done');
});
