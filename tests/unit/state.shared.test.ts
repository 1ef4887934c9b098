// The shared-state table (src/state/shared.ts): every entry survives a link round trip, links made before the
// table still open, and the store's slices load in any import order.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeState, encodeState, SHARED, sharedInitial } from '../../src/state/link';
import { resetStore, useStore } from '../../src/state/store';
import { fakeEngine } from './stateFixtures';

const get = useStore.getState;
beforeEach(() => resetStore());

// Written by the codec before the table existed (commit 8eef8d7): models, backend, N, latents, text, sweep, a result.
const OLD_LINK =
  's=dVE9b8IwEP0r0c0GEdMkJWOnVmqlqmVDDCYciUViu_aFgBD_vec0qEPVzffy7t5HrnCCMhXQ2T22AcoNOPQV6hP6mfIz0uYCAsgrEw7Wd4yO0FbATlVHNHsoYVChY1JlDeGZoCzkg4BWERriizkP2rieP1zhhwDrBpOvXlfHZOftYJKDPc8TuAkIA6KLxOlYdCSzXGSp_JUcbU6iA-5q18OWdz2Gvh03rmCPUJLvcQr2Em3-CfF_hlc0NTVQRmk4aB_oozdvfDpji6pzLYY4bVIhxZKNdbjXaiRIAW6Vja_5iouzfD-8o__EinuWj4vFItI76y8xZpR9RuWeLoS8k-ZFUcg05zQYSHfc4chCXTcU7iQBqiJ9UqStuYOsqyg2ztgELTmOqhqcRtYlS6qdxhistY5fRfxZvmbBNXu1_r7OJqK9deNRxc7lbXv7Bg';

describe('shared-state table', () => {
  it('a fresh page holds every entry, and its link decodes to exactly what it read', async () => {
    await get().init(fakeEngine().engine, null);
    for (const e of Object.values(SHARED)) for (const f of Object.keys(e.fields())) expect(get()).toHaveProperty(f);
    for (const e of Object.values(SHARED)) for (const f of e.watch) expect(Object.keys(sharedInitial()).concat(Object.keys(get()))).toContain(f);
    const link = get().sharedState(false);
    expect(decodeState(encodeState(link))).toEqual({ ok: true, state: JSON.parse(JSON.stringify(link)) });
  });

  it('every shared field set on one page arrives on another through a link', async () => {
    await get().init(fakeEngine().engine, null);
    useStore.setState({ selected: ['primer-tiny'], backend: 'webgpu', context: 777, latents: 32, sweepContexts: [256], sweepBackends: ['webgpu'], sweepDecode: false });
    useStore.setState({ generation: { maxBytes: 9, temperature: 0.3, topK: 17, seed: 5, refill: 12, cache: false } });
    get().setText('a text typed on the first page');
    const link = encodeState(get().sharedState(false));
    const sent = Object.fromEntries(Object.keys(sharedInitial()).map((k) => [k, get()[k as keyof ReturnType<typeof get>]]));
    resetStore();
    await get().init(fakeEngine().engine, link);
    for (const [k, v] of Object.entries(sent)) expect(get()[k as keyof ReturnType<typeof get>], k).toEqual(v);
  });

  it('a link written before the table opens with the same settings, its results from a link, and carries them on', async () => {
    const d = decodeState(OLD_LINK);
    expect(d.ok && d.state).toBeTruthy();
    await get().init(fakeEngine().engine, OLD_LINK);
    expect(get()).toMatchObject({ selected: ['perceiver-ar-tiny', 'transformer-tiny'], backend: 'wasm', context: 724, latents: 64, text: 'The quick brown fox. ', sweepContexts: [256, 512], sweepBackends: ['wasm', 'webgpu'], shareResults: true });
    expect(get().points).toHaveLength(0); // measured elsewhere: never this page's own
    expect(get().foreign).toMatchObject([{ source: 'from a link', points: [{ modelId: 'transformer-tiny', medianMs: 2 }] }]);
    expect(get().sharedState(false)).toEqual(d.ok && d.state);
  });
});

describe('store modules', () => {
  // every module of src/state, one level down too (a dynamic import with a variable reaches only one level)
  const modules = { ...import.meta.glob('../../src/state/*.ts'), ...import.meta.glob('../../src/state/link/*.ts') };
  it.each(Object.keys(modules))('load when %s is imported first', async (first) => {
    vi.resetModules();
    await modules[first]();
    const { useStore: fresh } = await import('../../src/state/store');
    expect(fresh.getState()).toMatchObject({ ready: false, selected: [], status: {}, points: [], inputTouched: false });
  });
});
