// A lost WebGPU device (simulated: device.destroy() on ORT's device inside the model's worker, mid-run) during a
// generation and during a sweep: the user reads what happened in plain words, the worker is replaced (the next run
// works on WebGPU again) and the page keeps its other results. Software adapter, tiny models.
import { test, expect, type Page, type Worker } from '@playwright/test';
import { Playground } from './pageObjects';

const TEXT = 'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness, '.repeat(4);

/** In a worker: destroy the GPU device the next time ORT (or the state copies) record GPU work on it, after `after` more
 * command encoders. Wraps createCommandEncoder, which runs on every step, so it fires mid-run. */
async function loseDeviceIn(w: Worker, after: number) {
  await w.evaluate((after) => {
    if (typeof GPUDevice === 'undefined') return;
    const proto = GPUDevice.prototype;
    const create = proto.createCommandEncoder;
    let n = 0;
    proto.createCommandEncoder = function (this: GPUDevice, d?: GPUCommandEncoderDescriptor) {
      if (++n === after) queueMicrotask(() => this.destroy());
      return create.call(this, d);
    };
  }, after);
}

async function setSetting(page: Page, id: string, value: string) {
  await page.getByTestId(id).fill(value);
  await expect(page.getByTestId(id)).toHaveValue(value);
}

test('a GPU lost mid-generation: a clear message, the worker replaced, the other results kept', async ({ page }) => {
  test.setTimeout(900_000);
  const ids = ['transformer-tiny', 'perceiver-ar-tiny'];
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly(ids);
  await pg.setBackend('webgpu');
  await pg.paste(TEXT);
  await pg.run();
  for (const id of ids) await expect(pg.bpb(id)).toHaveText(/^\d+\.\d{3}$/, { timeout: 600_000 });
  const before = await Promise.all(ids.map((id) => pg.bpb(id).innerText()));
  await setSetting(page, 'gen-max-bytes', '400');
  await setSetting(page, 'gen-temperature', '0');
  const id = ids[0];
  await page.getByTestId(`continue-${id}`).click();
  await expect(page.getByTestId(`continuation-${id}`)).not.toBeEmpty({ timeout: 300_000 }); // bytes are streaming in
  // the model workers only: ORT's thread workers block in Atomics.wait and never answer an evaluate
  for (const w of page.workers().filter((w) => /\/worker-[^/]*\.js/.test(w.url()))) await loseDeviceIn(w, 3);
  const error = page.getByTestId(`continue-error-${id}`);
  await expect(error).toBeVisible({ timeout: 300_000 });
  await expect(error).toContainText('The GPU stopped working for this page (WebGPU device lost)');
  await expect(error).toContainText('results so far are kept');
  await expect(page.getByTestId(`continuation-${id}`)).not.toBeEmpty(); // the bytes that streamed in stay
  expect(await Promise.all(ids.map((id) => pg.bpb(id).innerText()))).toEqual(before); // the predictions stay
  // the next run gets a fresh worker on a fresh device
  await setSetting(page, 'gen-max-bytes', '8');
  await page.getByTestId(`continue-${id}`).click();
  await expect(page.getByTestId(`continue-result-${id}`)).toContainText('8 bytes on webgpu', { timeout: 300_000 });
  await expect(error).toBeHidden();
});

test('a GPU lost mid-sweep: that point says so, the sweep goes on in fresh workers, the other results kept', async ({ page }) => {
  test.setTimeout(900_000);
  const id = 'transformer-tiny';
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly([id]);
  await pg.setBackend('webgpu');
  await page.getByTestId('sweep-max').selectOption('1024');
  await page.getByTestId('sweep-decode').uncheck();
  await page.getByTestId('sweep-webgpu').check(); // the sweep's backends are its own (WASM by default)
  await page.getByTestId('sweep-wasm').uncheck();
  // the second point's model worker (256, 512, 1,024: a fresh worker each; not ORT's thread workers, whose scripts
  // are ORT's bundles) loses its device mid-measurement
  let spawned = 0;
  page.on('worker', (w) => void (/\/worker-[^/]*\.js/.test(w.url()) && ++spawned === 2 && loseDeviceIn(w, 5).catch(() => {})));
  await page.getByTestId('sweep-run').click();
  const rows = page.getByTestId('results-table').locator('tr.point');
  await expect(rows).toHaveCount(3, { timeout: 600_000 });
  await expect(page.getByTestId('sweep-run')).toBeVisible({ timeout: 600_000 });
  const texts = await rows.allInnerTexts();
  const lost = texts.filter((t) => t.includes('device-lost'));
  expect(lost, texts.join('\n')).toHaveLength(1);
  expect(lost[0]).toContain('The GPU stopped working for this page (WebGPU device lost)');
  expect(texts.filter((t) => /\d+ runs/.test(t)), 'the other points ran and stay').toHaveLength(2);
});
