// The out-of-memory specs' shared setup: a browser whose WASM heap is capped at 64 MiB (V8's --wasm-max-mem-pages,
// as on a small device), so the tiny Transformer's decoding state for 65,536 positions (32 MiB, fed to the step
// graph at every chunk) cannot fit while its short forwards do; and the page with the tiny Transformer and the tiny
// Perceiver AR on WASM.
import { test, type Page } from '@playwright/test';
import { chromiumArgs } from '../playwright.config';
import { Playground } from './pageObjects';

export function useSmallWasmHeap() {
  test.use({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...chromiumArgs, '--js-flags=--wasm-max-mem-pages=1024'] } });
}

export async function openTinyPair(page: Page) {
  const [T, P] = ['transformer-tiny', 'perceiver-ar-tiny'];
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly([T, P]);
  await pg.setBackend('wasm');
  return { pg, T, P };
}
