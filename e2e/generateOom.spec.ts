// An out-of-memory during Continue's prefill, for real, in a browser whose WASM heap is capped at 64 MiB
// (smallHeap.ts): the tiny Transformer's decoding state for 65,536 positions cannot fit, while its predictions at
// 1,024 bytes still do.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openTinyPair, useSmallWasmHeap } from './smallHeap';

const LONG = readFileSync('public/data/heldout.txt', 'utf8').slice(0, 120_000);

useSmallWasmHeap();

test('an out-of-memory during the prefill is a clear message; the page keeps its results and works on', async ({ page }) => {
  test.setTimeout(300_000);
  const { pg, T, P } = await openTinyPair(page);
  await pg.paste(LONG);
  await pg.setContext(65536); // the tiny Transformer's step graph holds 65,536 positions; its forward stops at 1,024
  for (const id of [T, P]) await expect(pg.bpb(id)).toHaveText(/^\d+\.\d{3}$/);
  const kept = await pg.bpb(T).innerText();
  await page.getByTestId('gen-max-bytes').fill('1');
  await page.getByTestId(`continue-${T}`).click();
  const error = page.getByTestId(`continue-error-${T}`);
  await expect(error).toContainText('during the prefill: Out of memory');
  await expect(error).toContainText('Its decoding state alone is 32 MiB for 65,536 positions');
  await expect(pg.bpb(T)).toHaveText(kept);
  // the page works on: from a prompt that fits, both models continue
  await pg.setContext(1024);
  for (const id of [T, P]) {
    await expect(pg.bpb(id)).toHaveText(/^\d+\.\d{3}$/);
    await page.getByTestId(`continue-${id}`).click();
    await expect(page.getByTestId(`continue-result-${id}`)).toContainText('1 byte on wasm');
  }
});
