// Results people can trust and compare: provenance on every point, in the table, the details, CSV and JSON.
import { test, expect, type Download } from '@playwright/test';
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
  expect(first).toMatchObject({ model: A, ep: 'wasm', ort_version: '1.30.0', cross_origin_isolated: '1', hardware_threads: String(threads), wasm_threads: String(threads) });
  expect(first.browser).toMatch(/Chrom/);
  expect(first.app_version).toMatch(/^\d+\.\d+\.\d+/);
  expect(Date.now() - Date.parse(first.measured_at)).toBeLessThan(10 * 60_000);

  const jsonDownload = page.waitForEvent('download');
  await page.getByTestId('export-json').click();
  const saved = JSON.parse(await text(await jsonDownload));
  expect(saved.format).toBe('long-context-playground/results');
  expect(saved.points).toHaveLength(2);
  expect(saved.points[0].provenance).toMatchObject({ ep: 'wasm', ort: '1.30.0', crossOriginIsolated: true, wasmThreads: threads });
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
