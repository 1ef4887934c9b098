// Page object for the playground: what a person does, by role and test id.
import { expect, type Page } from '@playwright/test';
import { readIndex, readManifest } from '../scripts/lib/nodeModel';

/** One tiny model per attention kind of the bundled manifests (a compressed memory counts as its own kind): a family
 * added later is covered without editing the tests. */
export function tinyPerAttentionKind(): string[] {
  const byKind = new Map<string, string>();
  for (const id of readIndex().filter((i) => i.endsWith('-tiny'))) {
    const a = readManifest(id).config.attention;
    const kind = a.kind === 'segments' && a.compressedMemory ? 'segments+compressed' : a.kind;
    if (!byKind.has(kind)) byKind.set(kind, id);
  }
  return [...byKind.values()];
}

export class Playground {
  constructor(readonly page: Page) {}

  /** Opens the page (the preview server's, or `at`: a full address) with an optional link fragment. */
  async open(hash = '', at = '/') {
    await this.page.goto(`${at}${hash}`);
    await this.page.waitForFunction(() => (window as any).lcp?.engine);
    await expect(this.page.getByTestId('model-perceiver-ar-compare')).toBeVisible();
  }

  /** The untrained models are out of the picker's default view: this brings them in. */
  async showUntrained() {
    const box = this.page.getByTestId('show-untrained');
    if (!(await box.isChecked())) await box.check();
  }

  async selectOnly(ids: string[]) {
    await this.showUntrained();
    for (const box of await this.page.locator('[data-testid^=pick-]').all()) {
      const id = (await box.getAttribute('data-testid'))!.slice('pick-'.length);
      if ((await box.isChecked()) !== ids.includes(id)) await box.click();
    }
  }

  async setBackend(b: 'auto' | 'wasm' | 'webgpu') {
    await this.page.getByTestId('backend-select').selectOption(b);
  }

  async paste(text: string) {
    const area = this.page.getByTestId('input-text');
    await area.fill(text);
    await expect(this.page.getByTestId('byte-count')).toHaveText(`${new TextEncoder().encode(text).length.toLocaleString('en-US')} bytes`);
  }

  /** Moves the log-scale slider with the keyboard until N reaches `n`. */
  async setContext(n: number) {
    const slider = this.page.getByTestId('context-slider');
    await slider.focus();
    const cur = async () => Number((await this.page.getByTestId('context-value').innerText()).replace(/,/g, ''));
    for (let i = 0; i < 80 && (await cur()) !== n; i++) await slider.press((await cur()) < n ? 'ArrowRight' : 'ArrowLeft');
    expect(await cur()).toBe(n);
  }

  async run() {
    await this.page.getByTestId('run').click();
  }

  bpb(id: string) {
    return this.page.getByTestId(`bpb-${id}`);
  }

  /** The charts' shared legend entry of one series base ("model (backend)"): its colour and what is drawn for it. */
  legend(base: string) {
    return this.page.getByTestId(`legend-${base}`);
  }
}
