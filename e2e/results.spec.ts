// Results people can trust and compare: provenance on every point (table, details, CSV, JSON); results from a link
// or a file labelled as such, checked, overlaid, and re-measured here on request.
import { test, expect, type Download } from '@playwright/test';
import { encodeFragment } from '../src/state/link/codec';
import { defaultWasmThreads } from '../src/engine/isolation';
import { Playground } from './pageObjects';

const A = 'transformer-tiny';

const text = async (d: Download) => {
  let out = '';
  for await (const chunk of await d.createReadStream()) out += chunk;
  return out;
};

test('every measured point says where it was measured: table, details, CSV and JSON', async ({ page }) => {
  const pg = new Playground(page);
  await pg.open();
  await pg.selectOnly([A]);
  await page.getByTestId('sweep-max').selectOption('512');
  await page.getByTestId('sweep-run').click();
  const rows = page.getByTestId('results-table').locator('tr.point');
  await expect(rows).toHaveCount(2);
  const threads = await page.evaluate(() => navigator.hardwareConcurrency);
  await expect(rows.first().getByTestId('point-provenance')).toHaveText(new RegExp(`^\\S*Chrom\\S* \\d+ · Linux.* · ${threads} threads?$`));

  await rows.first().getByTestId('point-toggle').click();
  const details = page.getByTestId('point-details');
  await expect(details).toContainText('cross-origin isolated');
  await expect(details).toContainText('execution provider');
  await expect(details).toContainText('onnxruntime-web1.30.0');
  await expect(details).toContainText(/timed runs \(ms\)[\d.]+, [\d.]+, [\d.]+/);

  const csvDownload = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const [header, ...lines] = (await text(await csvDownload)).trim().split('\n');
  const cols = header.split(',');
  const first = Object.fromEntries(lines[0].split(',').map((v, i) => [cols[i], v]));
  expect(first).toMatchObject({ model: A, ep: 'wasm', ort_version: '1.30.0', cross_origin_isolated: '1', hardware_threads: String(threads), wasm_threads: String(defaultWasmThreads(threads)) });
  expect(first.browser).toMatch(/Chrom/);
  expect(first.app_version).toMatch(/^\d+\.\d+\.\d+/);
  expect(Date.now() - Date.parse(first.measured_at)).toBeLessThan(10 * 60_000);

  const jsonDownload = page.waitForEvent('download');
  await page.getByTestId('export-json').click();
  const json = await text(await jsonDownload);
  const saved = JSON.parse(json);
  expect(saved.format).toBe('long-context-playground/results');
  expect(saved.points).toHaveLength(2);
  expect(saved.points[0].provenance).toMatchObject({ ep: 'wasm', ort: '1.30.0', crossOriginIsolated: true, wasmThreads: defaultWasmThreads(threads) });

  // the export, imported into a fresh page: labelled as from the file, apart from that page's own, then compared here
  const fresh = await page.context().newPage();
  const pg2 = new Playground(fresh);
  await pg2.open();
  await fresh.getByTestId('import-results').setInputFiles({ name: 'laptop.json', mimeType: 'application/json', buffer: Buffer.from(json) });
  await expect(fresh.getByTestId('foreign-set')).toContainText(/from file laptop\.json: 2 points, measured on \S*Chrom/);
  const table = fresh.getByTestId('results-table');
  await expect(table.locator('tr.point.foreign')).toHaveCount(2);
  await expect(table.getByTestId('point-source').first()).toHaveText('from file laptop.json');
  const legend = fresh.getByTestId(`legend-${A} (wasm)`);
  await expect(legend).toContainText('from file laptop.json: measured on');
  await expect(fresh.getByTestId('chart-latency').locator('path.recharts-line-curve[stroke-dasharray="2 3"]')).toHaveCount(1);
  await fresh.getByTestId('compare-here').click();
  await expect(table.locator('tr.point:not(.foreign)')).toHaveCount(2, { timeout: 60_000 });
  await expect(legend).toContainText('sweep medians');
  // the file's line and this device's (the sweep's cached prefill, dashed "6 4", is a companion line of its own; one
  // runs and first runs are markers without a line)
  await expect(fresh.getByTestId('chart-latency').locator('path.recharts-line-curve:not([stroke-dasharray="6 4"]):not([stroke-opacity="0"])')).toHaveCount(2);

  // a link carrying one of those points, and the same link with it fabricated: labelled, or refused
  const link = (results: unknown[]) => `#${encodeFragment({ v: 1, models: [A], backend: 'wasm', context: 256, input: { preset: { kind: 'heldout' } }, results } as never)}`;
  const linked = await page.context().newPage();
  const pg3 = new Playground(linked);
  await pg3.open(link([saved.points[0]]));
  await expect(linked.getByTestId('point-source')).toHaveText(['from a link']);
  await expect(linked.getByTestId(`legend-${A} (wasm)`)).toContainText('from a link: measured on');
  const fabricated = { ...saved.points[0], samplesMs: [0.001, 0.001, 0.001], medianMs: 0.001, p95Ms: 0.001, bytesPerSec: 1e12 };
  await linked.goto(`/${link([saved.points[1], fabricated])}`);
  await expect(linked.getByTestId('banner')).toContainText("This link's results were refused");
  await expect(linked.getByTestId('banner')).toContainText('1,000,000,000,000 bytes/s is not N / median');
  await expect(linked.getByTestId('results-table')).toHaveCount(0);
  await expect(linked.getByTestId('charts-empty')).toBeVisible();
});

test('a WebGPU point records the device its session ran on', async ({ page }) => {
  test.setTimeout(240_000);
  const pg = new Playground(page);
  await pg.open();
  const p = await page.evaluate(() => (window as any).lcp.engine.measure('perceiver-ar-tiny', 'webgpu', 256, { warmupRuns: 0, minRuns: 1, minTimeMs: 0, maxRuns: 1 }));
  expect(p.ok, JSON.stringify(p)).toBe(true);
  expect(p.provenance).toMatchObject({ ep: 'webgpu-jsep', wasmThreads: 0, gpu: { isFallbackAdapter: true } });
  expect(p.provenance.gpu.maxStorageBufferBindingSize).toBeGreaterThan(0);
  expect(`${p.provenance.gpu.vendor} ${p.provenance.gpu.architecture}`).toMatch(/swiftshader|google/i);
});
