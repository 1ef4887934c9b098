// The built folder (npm run build -> dist/) where it will be published: a plain static host that sends no COOP/COEP
// headers, under a subpath. It loads the models, runs, and says truthfully how many threads WASM gets: several when
// its service worker isolates the page, one (said plainly) when service workers are blocked.
import { test, expect } from '@playwright/test';
import { existsSync } from 'node:fs';
import { serveStatic } from './staticHost';
import { Playground } from './pageObjects';
import { defaultWasmThreads } from '../src/engine/isolation';

const A = 'transformer-tiny';
let host: Awaited<ReturnType<typeof serveStatic>>;

test.beforeAll(async () => {
  expect(existsSync('dist/index.html'), 'build first: npx vite build').toBe(true);
  host = await serveStatic('dist', '/some/sub/path/');
});
test.afterAll(() => host.close());

async function runTiny(pg: Playground) {
  await pg.selectOnly([A]);
  await pg.setBackend('wasm');
  await pg.paste('Served from a subpath of a static host. '.repeat(10));
  await pg.run();
  await expect(pg.bpb(A)).toHaveText(/^\d+\.\d{3}$/);
}

test('a static host without COOP/COEP, under a subpath: the service worker isolates the page; models run multithreaded; links carry this address', async ({ page }) => {
  const pg = new Playground(page);
  await page.goto(host.url);
  // first visit: the service worker installs and the page reloads once, isolated
  await page.waitForFunction(() => crossOriginIsolated === true, null, { timeout: 60_000 });
  await pg.open(undefined, host.url);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const auto = defaultWasmThreads(cores);
  const n = (t: number) => `${t} thread${t === 1 ? '' : 's'}`;
  await expect(page.getByTestId('isolation')).toHaveText(`Cross-origin isolated (through a service worker: this host sends no COOP/COEP headers): WASM runs ${n(auto)}.`);
  if (cores > 1) expect(auto).toBeGreaterThan(1); // multithreaded wherever the machine has more than one core
  await runTiny(pg);
  await expect(page.getByTestId(`ran-${A}`)).toContainText(`ran on wasm, ${n(auto)}`);
  await expect(page.getByTestId(`ran-${A}`)).not.toContainText('not cross-origin isolated');
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('share-message')).toContainText('Link copied');
  expect(page.url()).toMatch(new RegExp(`^${host.url.replace(/[.]/g, '\\.')}#s=[A-Za-z0-9_-]+$`));
});

test.describe('where service workers cannot run', () => {
  test.use({ serviceWorkers: 'block' });
  test('the page says plainly it runs single-threaded, and does', async ({ page }) => {
    const pg = new Playground(page);
    await pg.open(undefined, host.url);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await expect(page.getByTestId('isolation')).toContainText('Not cross-origin isolated, so WASM runs single-threaded here (1 thread)');
    await runTiny(pg);
    await expect(page.getByTestId(`ran-${A}`)).toContainText('ran on wasm, 1 thread (page not cross-origin isolated)');
  });
});
