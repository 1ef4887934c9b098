// The page as a newcomer meets it (issue 23), in real Chromium on WASM: results first, numbers side by side on the
// same bytes, limits that hold, verdicts on the recall presets, untrained models marked, views that follow N.
import { test, expect, type Page } from '@playwright/test';
import { encodeFragment } from '../src/state/link/codec';
import { Playground } from './pageObjects';

const DEFAULTS = ['perceiver-ar-compare', 'transformer-compare'];

test.use({ viewport: { width: 1440, height: 900 } });

/** The store's predictions, for checking what the page shows against what the models returned. */
const predictions = (page: Page) =>
  page.evaluate(() => {
    const s = (window as any).lcp.store.getState();
    return Object.fromEntries(
      s.selected.map((id: string) => {
        const p = s.status[id]?.prediction;
        return [id, p && { windowStart: p.windowStart, contextLength: p.contextLength, scoredStart: p.scoredStart, bits: Array.from(p.surprisalBits as number[]), topStart: p.topStart, top: p.top.map((t: any[]) => t[0].byte) }];
      }),
    ) as Record<string, { windowStart: number; contextLength: number; scoredStart: number; bits: number[]; topStart: number; top: number[] }>;
  });

test('the first screen at 1440 x 900: the default comparison runs on load, its results and the charts in view without scrolling', async ({ page }) => {
  test.setTimeout(300_000);
  const pg = new Playground(page);
  await pg.open();
  for (const id of DEFAULTS) await expect(page.getByTestId(`summary-bpb-${id}`)).toHaveText(/^\d+\.\d{3}$/, { timeout: 240_000 });
  expect(await page.evaluate(() => scrollY)).toBe(0);
  await expect(page.getByTestId('summary')).toBeInViewport({ ratio: 1 });
  for (const chart of ['chart-latency', 'chart-memory']) await expect(page.getByTestId(chart)).toBeInViewport({ ratio: 1 });
  // the chart draws those runs: one marker per model at N = 1,024, the first run there (hollow)
  await expect(page.getByTestId('chart-latency').locator('.single-run.first-run')).toHaveCount(2);
  for (const id of DEFAULTS) await expect(pg.legend(`${id} (wasm)`)).toBeInViewport();
  // until a sweep here measures them, a measured example, labelled with where it was measured, draws their curves
  await expect(page.getByTestId('charts-example')).toContainText('a measured example, the project\'s benchmark');
  for (const id of DEFAULTS) await expect(pg.legend(`${id} (wasm)`)).toContainText('example: measured on Chromium 156');
  await expect(page.getByTestId('chart-latency').locator('path.recharts-line-curve[stroke-dasharray="2 3"]')).toHaveCount(2);
  // one primary action on the first screen: Run
  await expect(page.locator('button.primary').filter({ visible: true }).first()).toHaveText('Run');
  // untrained models are out of the default view
  await expect(page.getByTestId('model-transformer-tiny')).toHaveCount(0);
  await page.screenshot({ path: 'docs/first-screen-1440x900.png' }); // docs/first-screen.md reviews it
  await page.setViewportSize({ width: 1280, height: 720 });
  await expect(page.getByTestId('summary')).toBeInViewport({ ratio: 1 });
  await page.screenshot({ path: 'docs/first-screen-1280x720.png' });
});

test('the side-by-side table scores the same bytes for every model, and its bits per byte are those bytes’ mean', async ({ page }) => {
  test.setTimeout(300_000);
  const pg = new Playground(page);
  await pg.open(); // the default comparison runs on the held-out sample at N = 1,024
  await page.getByTestId('pick-sliding-window-compare').check();
  await pg.run();
  const ids = [...DEFAULTS, 'sliding-window-compare'];
  for (const id of ids) await expect(page.getByTestId(`summary-bpb-${id}`)).toHaveText(/^\d+\.\d{3}$/, { timeout: 240_000 });
  await expect(page.getByTestId('summary').getByText('running…')).toHaveCount(0, { timeout: 240_000 });
  const preds = await predictions(page);
  // the bytes every model scored, from the predictions themselves: input offsets [from, to)
  const ranges = ids.map((id) => [preds[id].windowStart + preds[id].scoredStart, preds[id].windowStart + preds[id].scoredStart + preds[id].bits.length]);
  const from = Math.max(...ranges.map((r) => r[0]));
  const to = Math.min(...ranges.map((r) => r[1]));
  expect(to - from).toBe(255); // Perceiver AR's latents score the last M - 1 bytes; the decoders score more
  for (const id of ids) {
    const p = preds[id];
    const row = page.getByTestId(`summary-row-${id}`);
    await expect(row).toHaveAttribute('data-from', String(from));
    await expect(row).toHaveAttribute('data-to', String(to));
    const own = p.windowStart + p.scoredStart;
    const mean = p.bits.slice(from - own, to - own).reduce((a, b) => a + b, 0) / (to - from);
    expect(Number(await page.getByTestId(`summary-bpb-${id}`).innerText())).toBeCloseTo(mean, 3);
  }
  await expect(page.getByTestId('summary-bytes')).toContainText(`the same 255 bytes (input bytes ${from.toLocaleString('en-US')} to ${(to - 1).toLocaleString('en-US')})`);
  // a decoder past its 512-byte training crop is marked where its figure is
  await expect(page.getByTestId('summary-past-transformer-compare')).toHaveText('past its 512-byte training length');
  await expect(page.getByTestId('past-training-transformer-compare')).toContainText('past the 512 bytes it was trained on');
});

test("the Transformer at its card's maximum on WASM is refused before running, in one sentence; the other model runs", async ({ page }) => {
  test.setTimeout(300_000);
  const T = 'transformer-compare';
  const pg = new Playground(page);
  // a link to N = 16,384 (moving the slider there would run both models at every N on the way)
  await pg.open(`#${encodeFragment({ v: 1, models: [T, 'perceiver-ar-compare'], backend: 'wasm', context: 16384, input: { preset: { kind: 'heldout' } } })}`);
  const card = await page.getByTestId(`limit-${T}`).textContent();
  const max = Number(/^up to ([\d,]+) bytes/.exec(card!)![1].replace(/,/g, ''));
  expect(max).toBe(16384); // the card's maximum
  expect(card).toContain('on WASM up to 8,192');
  await expect(page.getByTestId('context-value')).toHaveText('16,384');
  await pg.run();
  const error = page.getByTestId(`error-${T}`);
  await expect(error).toHaveText(
    'Not run: At 16,384 bytes one attention tensor alone needs about 4.0 GiB (estimate), and a WASM page can address less than 4 GiB in all; try the memory-efficient Transformer (the same attention, computed in blocks) or cached decoding (Continue), which keeps N keys per layer instead of N x N scores, or a smaller N.',
    { timeout: 120_000 },
  );
  await expect(error).not.toContainText(/ERROR_CODE|onnxruntime|SafeInt|Integer overflow|\.cc\b|\.h\b/);
  await expect(page.getByTestId(`summary-error-${T}`)).toContainText('a WASM page can address less than 4 GiB');
  // refused, not run: no forward at 16,384 was timed, and the other model's result stands
  await expect(pg.bpb('perceiver-ar-compare')).toHaveText(/^\d+\.\d{3}$/, { timeout: 120_000 });
  await expect(page.getByTestId('window-perceiver-ar-compare')).toHaveText('16,384');
  const ran = await page.evaluate((T) => (window as any).lcp.store.getState().singles.filter((r: any) => r.modelId === T).length, T);
  expect(ran).toBe(0);
});

test('the needle preset says what was planted where, and per model whether its first guesses retrieve the value; N is raised to include it on request', async ({ page }) => {
  test.setTimeout(400_000);
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly(DEFAULTS);
  await pg.setBackend('wasm');
  await page.getByTestId('preset-needle').click(); // 4,096 bytes, planted 25% in
  await expect(page.getByTestId('byte-count')).toHaveText('4,096 bytes');
  await pg.setContext(1024);
  await pg.run();
  const planted = page.getByTestId('verdict-planted');
  await expect(planted).toContainText('Planted', { timeout: 120_000 });
  const value = (await planted.getAttribute('data-value'))!;
  const bytes: number[] = await page.evaluate(() => Array.from((window as any).lcp.store.getState().bytes));
  expect(value).toBe(String.fromCharCode(...bytes.slice(-2))); // the answer: the last two bytes, the planted value
  expect(value).toMatch(/^\d\d$/);
  const at = Number(await planted.getAttribute('data-planted-at'));
  expect(String.fromCharCode(...bytes.slice(at, at + 6))).toMatch(new RegExp(`^ [A-Z]{2}${value} $`));
  for (const id of DEFAULTS) await expect(page.getByTestId(`verdict-${id}`)).toHaveAttribute('data-in-window', 'false', { timeout: 120_000 });
  await expect(page.getByTestId(`verdict-transformer-compare`)).toContainText('the needle lies outside its window');

  await page.getByTestId('verdict-include').click();
  await expect(page.getByTestId('context-value')).toHaveText('4,096');
  for (const id of DEFAULTS) await expect(page.getByTestId(`verdict-${id}`)).toHaveAttribute('data-in-window', 'true', { timeout: 300_000 });
  // the verdict is what the models' first guesses at the two answer bytes say
  const preds = await predictions(page);
  for (const id of DEFAULTS) {
    const p = preds[id];
    const guess = (at: number) => p.top[at - p.windowStart - p.topStart];
    const retrieved = guess(bytes.length - 2) === bytes.at(-2) && guess(bytes.length - 1) === bytes.at(-1);
    const li = page.getByTestId(`verdict-${id}`);
    await expect(li).toHaveAttribute('data-retrieved', String(retrieved));
    await expect(li).toContainText(retrieved ? `retrieved "${value}"` : 'not retrieved');
    await expect(li).toContainText(`its first guesses read "${String.fromCharCode(guess(bytes.length - 2), guess(bytes.length - 1))}"`);
  }
});

test('untrained models are marked wherever they appear: picker, panel, table and charts', async ({ page }) => {
  test.setTimeout(300_000);
  const U = 'transformer-tiny';
  const pg = new Playground(page);
  await pg.open();
  await pg.showUntrained();
  await expect(page.getByTestId(`model-${U}`).getByTestId('untrained-tag')).toHaveText('untrained');
  await expect(page.getByTestId('model-transformer-compare').getByTestId('untrained-tag')).toHaveCount(0);
  await pg.selectOnly([U, 'perceiver-ar-compare']);
  await pg.setBackend('wasm');
  await pg.run(); // the held-out sample at N = 1,024
  await expect(pg.bpb(U)).toHaveText(/^\d+\.\d{3}$/, { timeout: 120_000 });
  await expect(page.getByTestId(`prediction-${U}`).getByTestId('untrained-tag')).toHaveText('untrained');
  await expect(page.getByTestId(`untrained-note-${U}`)).toContainText('Random weights (never trained)');
  await expect(page.getByTestId(`summary-untrained-${U}`)).toContainText('untrained');
  await expect(pg.legend(`${U} (wasm)`)).toContainText('untrained');
  await expect(pg.legend('perceiver-ar-compare (wasm)')).not.toContainText('untrained');
});

test('"Where it reads" follows N: the map is read again over the new window, and says which N it is from', async ({ page }) => {
  test.setTimeout(300_000);
  const P = 'perceiver-ar-compare';
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly([P]);
  await pg.run(); // the held-out sample at N = 1,024
  await expect(page.getByTestId(`window-${P}`)).toHaveText('1,024', { timeout: 120_000 });
  const length: number = await page.evaluate(() => (window as any).lcp.store.getState().bytes.length);
  await page.getByTestId(`attention-${P}`).locator('summary').click();
  await page.getByTestId(`attention-run-${P}`).click();
  const peak = page.getByTestId(`attention-peak-${P}`);
  await expect(peak).toHaveAttribute('data-n', '1024', { timeout: 120_000 });
  await expect(page.getByTestId(`attention-n-${P}`)).toContainText('At N = 1,024');
  await pg.setContext(2048); // the slider settles and the model re-runs; the open view follows
  await expect(page.getByTestId(`window-${P}`)).toHaveText('2,048', { timeout: 120_000 });
  await expect(peak).toHaveAttribute('data-n', '2048', { timeout: 120_000 });
  const c = (n: number) => n.toLocaleString('en-US');
  await expect(page.getByTestId(`attention-n-${P}`)).toContainText(`At N = 2,048: the window is input bytes ${c(length - 2048)} to ${c(length - 1)}`);
  expect(Number(await peak.getAttribute('data-query'))).toBe(length - 1);
});
