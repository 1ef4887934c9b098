// Bring your own model: a graph exported by this project's own scripts, opened as a person's file without its
// manifest, runs on WASM and WebGPU with the same predictions as the bundled copy; bad files each get their message.
import { test, expect, type Page } from '@playwright/test';
import { readFileSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import { Playground } from './pageObjects';

const TINY = readFileSync('public/models/transformer-tiny/model.onnx');
const TEXT = 'A model of your own, run on your own device. '.repeat(12);

const open = (page: Page, name: string, buffer: Buffer) =>
  page.getByTestId('user-model-file').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });

test('a model exported by the project, opened as a file without its manifest: recognised, asked about, run on WASM and WebGPU, kept, removed', async ({ page }) => {
  test.setTimeout(300_000);
  const pg = new Playground(page);
  await pg.open();
  await open(page, 'my-decoder.onnx', TINY);
  // the shapes as ORT reads them from the graph (the logits' batch dimension has a name shape inference gave it)
  await expect(page.getByTestId('user-model-layout')).toHaveText(/^my-decoder\.onnx: tokens int64 \[1, seq\] → logits float32 \[\w+, seq, 256\]: a decoder with logits for every position\.$/);
  await expect(page.getByTestId('user-model-vocab')).toHaveValue('256');
  await expect(page.getByTestId('user-model-bytes')).toBeChecked();
  await page.getByTestId('user-model-add').click();
  const card = page.locator('[data-testid^=user-card-user-my-decoder-]');
  await expect(card).toContainText('my-decoder.onnx');
  const id = (await card.getAttribute('data-testid'))!.slice('user-card-'.length);

  // the same graph as the bundled transformer-tiny: the same predictions
  await pg.selectOnly([id, 'transformer-tiny']);
  await pg.setBackend('wasm');
  await pg.paste(TEXT);
  await pg.run();
  await expect(pg.bpb(id)).toHaveText(/^\d+\.\d{3}$/);
  await expect(page.getByTestId(`ran-${id}`)).toContainText('ran on wasm');
  await expect(pg.bpb(id)).toHaveText(await pg.bpb('transformer-tiny').innerText());

  // latency and memory like any model (no analytic estimate: the page does not know its architecture)
  const point = await page.evaluate((id) => (window as any).lcp.engine.measure(id, 'wasm', 256, { warmupRuns: 0, minRuns: 2, minTimeMs: 0, maxRuns: 2 }), id);
  expect(point).toMatchObject({ ok: true, modelId: id, contextLength: 256, samplesMs: [expect.any(Number), expect.any(Number)], estimate: { totalBytes: 0 } });
  expect(point.memory.wasmHeapBytes).toBeGreaterThan(0);

  await pg.selectOnly([id]);
  await pg.setBackend('webgpu');
  await pg.run();
  await expect(page.getByTestId(`ran-${id}`)).toContainText('ran on webgpu', { timeout: 240_000 });
  await expect(pg.bpb(id)).toHaveText(/^\d+\.\d{3}$/, { timeout: 240_000 });

  // told it is not byte-level, it measures but predicts no text
  await open(page, 'my-decoder.onnx', TINY);
  await page.getByTestId('user-model-bytes').uncheck();
  await page.getByTestId('user-model-add').click();
  await expect(page.getByTestId(`user-card-${id}`)).toContainText('not byte-level: latency and memory only');
  await pg.setBackend('wasm');
  await pg.run();
  await expect(page.getByTestId(`error-${id}`)).toContainText('is not byte-level: its logits are not over bytes, so it predicts no text here');

  // kept in this browser: there after a reload; Remove deletes it
  await page.reload();
  await expect(page.getByTestId(`user-card-${id}`)).toBeVisible();
  await page.getByTestId(`remove-${id}`).click();
  await expect(page.getByTestId(`model-${id}`)).toHaveCount(0);
  await page.reload();
  await pg.showUntrained();
  await expect(page.getByTestId('model-transformer-tiny')).toBeVisible();
  await expect(page.getByTestId(`model-${id}`)).toHaveCount(0);
});

test('each bad file gets its own message, and the page keeps working', async ({ page }) => {
  const pg = new Playground(page);
  await pg.open();
  const error = page.getByTestId('user-model-error');

  await open(page, 'notes.onnx', Buffer.from('these are my notes, not a model '.repeat(10)));
  await expect(error).toHaveText('notes.onnx is not an ONNX model: it does not begin like one (an ONNX file is a protobuf ModelProto). Nothing was loaded.');

  await open(page, 'cut.onnx', TINY.subarray(0, 20_000));
  await expect(error).toContainText('cut.onnx could not be loaded on WASM, so its graph cannot be read:');

  await open(page, 'xl.onnx', readFileSync('public/models/transformer-xl-tiny/model.onnx'));
  await expect(error).toContainText('xl.onnx cannot be run here: its graph takes inputs the playground cannot feed: mems float32 [2, 1, mem, 32]; mem_valid int64 []');

  const huge = test.info().outputPath('huge.onnx'); // sparse: 257 MiB on paper, nothing on disk
  const fd = openSync(huge, 'w');
  ftruncateSync(fd, 257 * 2 ** 20);
  closeSync(fd);
  await page.getByTestId('user-model-file').setInputFiles(huge);
  await expect(error).toHaveText("huge.onnx is 257.0 MiB; the playground opens models up to 256 MiB (the graph and its session must fit in the browser's WebAssembly memory). Nothing was loaded.");

  // a manifest that belongs to another graph
  await page.getByTestId('user-model-file').setInputFiles([
    { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: TINY },
    { name: 'manifest.json', mimeType: 'application/json', buffer: readFileSync('public/models/perceiver-ar-tiny/manifest.json') },
  ]);
  await expect(error).toContainText('manifest.json describes another graph: inputs [tokens, num_latents]');

  // none of it touched the bundled models
  await pg.selectOnly(['transformer-tiny']);
  await pg.setBackend('wasm');
  await pg.paste(TEXT);
  await pg.run();
  await expect(pg.bpb('transformer-tiny')).toHaveText(/^\d+\.\d{3}$/);
});
