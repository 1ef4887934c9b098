// The recall panel and the trade-off chart in Chromium on WASM, with the tiny models (their accuracies are near zero:
// the tests recompute them from the answers the page shows all the same).
import { test, expect, type Download, type Page } from '@playwright/test';
import { Playground } from './pageObjects';

const [T, P, L] = ['transformer-tiny', 'perceiver-ar-tiny', 'linear-transformer-tiny'];

const text = async (d: Download) => {
  let out = '';
  for await (const chunk of await d.createReadStream()) out += chunk;
  return out;
};

async function setRecall(page: Page, o: { task?: string; distances?: string; lengths?: string; depths?: string; probes?: number; seed?: number }) {
  if (o.task) await page.getByTestId('recall-task').selectOption(o.task);
  if (o.distances) await page.getByTestId('recall-distances').fill(o.distances);
  if (o.lengths) await page.getByTestId('recall-lengths').fill(o.lengths);
  if (o.depths) await page.getByTestId('recall-depths').fill(o.depths);
  if (o.probes !== undefined) await page.getByTestId('recall-probes').fill(String(o.probes));
  if (o.seed !== undefined) await page.getByTestId('recall-seed').fill(String(o.seed));
}

async function runRecall(page: Page) {
  await page.getByTestId('recall-run').click();
  await expect(page.getByTestId('recall-stop')).toHaveCount(0, { timeout: 170_000 }); // back from Stop: done
}

/** The accuracy each model's row shows, by model and x. */
async function tableAccuracies(page: Page) {
  const out: Record<string, { accuracy: string; probes: string }> = {};
  for (const row of await page.getByTestId('recall-row').all())
    out[`${await row.getAttribute('data-model')}@${await row.getAttribute('data-x')}`] = {
      accuracy: await row.getByTestId('recall-accuracy').innerText(),
      probes: await row.locator('td').nth(5).innerText(),
    };
  return out;
}

test('a recall run on two models: accuracies recomputed from the answers the page shows; CSV; Stop keeps what was read', async ({ page }) => {
  test.setTimeout(600_000);
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly([T, P]);
  await pg.setBackend('wasm');
  await setRecall(page, { task: 'mqar', distances: '256, 512', probes: 6 });
  await runRecall(page);
  await expect(page.getByTestId('recall-message')).toHaveCount(0);
  const table = await tableAccuracies(page);
  expect(Object.keys(table).sort()).toEqual([`${P}@256`, `${P}@512`, `${T}@256`, `${T}@512`]);
  // every point's probes: the answer each model predicted against the expected one
  const points = page.getByTestId('probe-point').locator('option');
  await expect(points).toHaveCount(2);
  for (const [i, x] of [256, 512].entries()) {
    await page.getByTestId('probe-point').selectOption(String(i));
    const rows = page.getByTestId('probe-row');
    await expect(rows).toHaveCount(6);
    for (const id of [T, P]) {
      let right = 0;
      for (const row of await rows.all()) {
        const expected = await row.getByTestId('probe-expected').innerText();
        const answer = row.locator(`[data-testid=probe-answer][data-model="${id}"]`);
        const predicted = await answer.locator('code').innerText();
        const exact = predicted === expected;
        expect(await answer.innerText()).toContain(exact ? '✓' : '✗');
        right += exact ? 1 : 0;
      }
      expect(table[`${id}@${x}`]).toEqual({ accuracy: (right / 6).toFixed(3), probes: '6 of 6' });
    }
  }
  await expect(page.getByTestId('recall-chart').locator('.recharts-legend-wrapper')).toContainText(T);
  await expect(page.getByTestId('recall-chart').locator('.recharts-legend-wrapper')).toContainText(P);

  // a probe opens: the pairs asked for, the question, each model's top guesses, where it reads at the query
  await page.getByTestId('probe-toggle').first().click();
  const details = page.getByTestId('probe-details');
  await expect(details).toContainText('planted at byte');
  await expect(details.getByTestId('probe-top')).toHaveCount(2);
  await details.getByTestId(`attention-probe-${T}`).locator('summary').click();
  await details.getByTestId(`attention-run-probe-${T}`).click();
  await expect(details.getByTestId(`attention-peak-probe-${T}`)).toHaveAttribute('data-query', /^\d+$/);

  const csvDownload = page.waitForEvent('download');
  await page.getByTestId('recall-csv').click();
  const [header, ...lines] = (await text(await csvDownload)).trim().split('\n');
  const cols = header.split(',');
  const csv = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
  for (const r of csv) expect(Number(r.accuracy).toFixed(3)).toBe(table[`${r.model}@${r.x}`].accuracy);

  // Stop: what was read stays, in the table and in the count
  await setRecall(page, { distances: '300', probes: 400 });
  await page.getByTestId('recall-run').click();
  const progress = page.getByTestId('recall-progress');
  await expect(progress).toHaveAttribute('max', '800'); // this run's: 2 models x 400 probes
  await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  await page.getByTestId('recall-stop').click();
  await expect(page.getByTestId('recall-run')).toBeVisible({ timeout: 30_000 });
  const message = page.getByTestId('recall-message');
  await expect(message).toContainText(/Recall run stopped; the [\d,]+ probes? read before (is|are) kept\./);
  const kept = Number((await message.innerText()).match(/the ([\d,]+) probe/)![1].replace(/,/g, ''));
  expect(kept).toBeGreaterThanOrEqual(3);
  // the models read in the page's order of the selection: the one reading when Stop came keeps its probes, marked
  // stopped; one not reached yet has no row at 300; the count in the message is the rows' sum
  const after = await tableAccuracies(page);
  let sum = 0;
  for (const id of [T, P]) {
    const cell = after[`${id}@300`];
    if (!cell) continue;
    const [read, planned] = cell.probes.split(' of ').map(Number);
    expect(planned).toBe(400);
    expect(read).toBeLessThan(400);
    sum += read;
    const row = page.locator(`[data-testid=recall-row][data-model="${id}"][data-x="300"]`);
    await expect(row.getByTestId('recall-status')).toHaveText(new RegExp(`^stopped by the user after ${read} of 400 probes`));
    if (read) expect(cell.accuracy).toMatch(/^\d\.\d{3}$/);
  }
  expect(sum).toBe(kept);
  for (const key of Object.keys(table)) expect(after[key], key).toEqual(table[key]); // the first run's results are still there
});

test('the trade-off chart: one bubble per selected model, at the coordinates the table gives; a model that cannot run at N is drawn as such', async ({ page }) => {
  test.setTimeout(600_000);
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly([T, L]);
  await pg.setBackend('wasm');
  await setRecall(page, { probes: 4 });
  await pg.setContext(256);
  for (const id of [T, L]) await expect(page.getByTestId(`window-${id}`)).toHaveText('256'); // the slider's runs: one time each
  // no recall probes of 256 bytes yet: the chart offers to run them
  await page.getByTestId('tradeoff-measure-quality').click();
  await expect(page.getByTestId('recall-run')).toBeVisible({ timeout: 240_000 });

  /** Each bubble's data are its table row's values; the bubbles lie where those values say. */
  const checkBubbles = async (measured: boolean) => {
    await expect(page.locator('[data-testid^=bubble-]')).toHaveCount(2);
    const at: Record<string, { x: number; y: number; cx: number; cy: number }> = {};
    for (const id of [T, L]) {
      const b = page.getByTestId(`bubble-${id}`);
      const row = page.locator(`[data-testid=tradeoff-row][data-model="${id}"]`);
      for (const [attr, cell] of [['data-x', 'tradeoff-x'], ['data-y', 'tradeoff-y'], ['data-memory', 'tradeoff-memory']] as const)
        expect(await b.getAttribute(attr), `${id} ${attr}`).toBe(await row.getByTestId(cell).getAttribute('data-value'));
      await expect(row.getByTestId('tradeoff-status')).toHaveText('drawn');
      await expect(b).toHaveAttribute('data-measured', String(measured));
      at[id] = { x: Number(await b.getAttribute('data-x')), y: Number(await b.getAttribute('data-y')), cx: Number(await b.getAttribute('data-cx')), cy: Number(await b.getAttribute('data-cy')) };
    }
    // the faster model further left, the more accurate one higher (level when equal)
    expect(Math.sign(at[T].cx - at[L].cx)).toBe(Math.sign(at[T].x - at[L].x));
    expect(Math.sign(at[L].cy - at[T].cy)).toBe(Math.sign(at[T].y - at[L].y));
    return at;
  };
  const fromSlider = await checkBubbles(false); // one run each, memory estimated
  await expect(page.locator(`[data-testid=tradeoff-row][data-model="${T}"]`)).toContainText('one run (the slider), not a median');
  const csvDownload = page.waitForEvent('download');
  await page.getByTestId('tradeoff-csv').click();
  const csv = (await text(await csvDownload)).trim().split('\n');
  expect(csv).toHaveLength(3);
  expect(csv[1]).toContain(`${T},256,wasm,forward,${fromSlider[T].x}`);

  // decode speed: not measured at 256 yet; the chart offers it, a sweep point measures it with its memory
  await page.getByTestId('tradeoff-speed').selectOption('decode');
  await expect(page.locator('[data-testid^=bubble-]')).toHaveCount(0);
  await page.getByTestId('tradeoff-measure-speed').click();
  await expect(page.getByTestId('sweep-run')).toBeVisible({ timeout: 240_000 });
  await checkBubbles(true);

  // past the tiny models' one-shot forward: both drawn as unable to run there, with the reason in the table
  await page.getByTestId('tradeoff-speed').selectOption('forward');
  await pg.setContext(2048);
  await expect(page.locator('[data-testid^=cannot-]')).toHaveCount(2);
  await expect(page.locator(`[data-testid=tradeoff-row][data-model="${T}"]`).getByTestId('tradeoff-status')).toHaveText('cannot run at this N: reads at most 1,024 bytes in one forward');
});

test('a link with recall settings restores them', async ({ page, context }) => {
  const pg = new Playground(page);
  await pg.open();
  await setRecall(page, { task: 'needle', lengths: '1024, 2048', depths: '0, 0.5, 1', probes: 3, seed: 7 });
  await page.getByTestId('tradeoff-quality').selectOption('bpb');
  await expect.poll(() => page.url()).toMatch(/#s=/);
  await page.getByTestId('copy-link').click();
  const link = page.url();
  const fresh = await context.newPage();
  await new Playground(fresh).open(link.slice(link.indexOf('#')));
  await expect(fresh.getByTestId('recall-task')).toHaveValue('needle');
  await expect(fresh.getByTestId('recall-lengths')).toHaveValue('1024, 2048');
  await expect(fresh.getByTestId('recall-depths')).toHaveValue('0, 0.5, 1');
  await expect(fresh.getByTestId('recall-probes')).toHaveValue('3');
  await expect(fresh.getByTestId('recall-seed')).toHaveValue('7');
  await expect(fresh.getByTestId('tradeoff-quality')).toHaveValue('bpb');
});

test('bad input: zero probes, a length over every model, a model without a step graph: a clear message, the other results kept', async ({ page }) => {
  test.setTimeout(240_000);
  // this page's transformer-tiny has no step graph: past its 1,024-byte forward it cannot read a probe
  await page.route('**/models/transformer-tiny/manifest.json', async (route) => {
    const m = await (await route.fetch()).json();
    delete m.step;
    await route.fulfill({ json: m });
  });
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly([T, L]);
  await pg.setBackend('wasm');
  await setRecall(page, { task: 'mqar', distances: '256, 2048', probes: 2 });
  await runRecall(page);
  const rows = await tableAccuracies(page);
  expect(rows[`${T}@256`].probes).toBe('2 of 2');
  expect(rows[`${L}@2048`].probes).toBe('2 of 2'); // the linear Transformer decodes past its forward
  const noStep = page.locator(`[data-testid=recall-row][data-model="${T}"][data-x="2048"]`);
  await expect(noStep.getByTestId('recall-status')).toHaveText('transformer-tiny reads at most 1,024 bytes in one forward and has no step graph for cached decoding, so it cannot read a 2,048-byte probe.');
  await expect(noStep.getByTestId('recall-accuracy')).toHaveText('—');
  await expect(page.getByTestId('recall-chart-failures')).toContainText(`✕ ${T} at distance 2,048: transformer-tiny reads at most 1,024 bytes in one forward and has no step graph`);

  await setRecall(page, { probes: 0 });
  await page.getByTestId('recall-run').click();
  await expect(page.getByTestId('recall-message')).toHaveText('The number of probes per point must be a whole number from 1 to 1,000, not 0: nothing was run.');
  expect(await tableAccuracies(page)).toEqual(rows);

  await setRecall(page, { distances: '200000', probes: 2 });
  await page.getByTestId('recall-run').click();
  await expect(page.getByTestId('recall-message')).toContainText('None of the selected models can read these probes, so nothing was run:');
  await expect(page.getByTestId('recall-message')).toContainText('linear-transformer-tiny reads at most 1,024 bytes in one forward and decodes at most 65,536 positions');
  expect(await tableAccuracies(page)).toEqual(rows);
  await expect(page.getByTestId('recall-run')).toBeEnabled();
});
