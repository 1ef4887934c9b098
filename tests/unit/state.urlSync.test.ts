// The address bar follows the page: written after a pause, not per keystroke; read back on hashchange.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetStore, useStore } from '../../src/state/store';
import { decodeState, encodeState } from '../../src/state/link';
import { fakeEngine } from './stateFixtures';

const get = useStore.getState;

/** Just enough of a window: a location with a hash, history.replaceState, hashchange listeners. */
function fakeWindow() {
  const listeners: (() => void)[] = [];
  const w = {
    location: { hash: '', origin: 'http://localhost:4173', pathname: '/', search: '' },
    history: { state: null, replaceState: vi.fn((_s: unknown, _t: string, url: string) => void (w.location.hash = url)) },
    addEventListener: (_t: string, f: () => void) => listeners.push(f),
    removeEventListener: () => {},
    navigate(hash: string) {
      w.location.hash = hash;
      listeners.forEach((f) => f());
    },
  };
  return w;
}

let stop: () => void = () => {};
beforeEach(() => resetStore());
afterEach(() => {
  stop();
  vi.useRealTimers();
});

describe('url sync', () => {
  it('writes the fragment once the state has rested, and it decodes to the state', async () => {
    const w = fakeWindow();
    stop = get().startUrlSync(w as unknown as Window);
    await get().init(fakeEngine().engine, null);
    vi.useFakeTimers();
    get().setText('some text');
    get().setContext(300);
    get().setContext(512);
    expect(w.history.replaceState).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(w.history.replaceState).toHaveBeenCalledTimes(1);
    const d = decodeState(w.location.hash);
    expect(d).toMatchObject({ ok: true, state: { context: 512, input: { text: 'some text' }, models: useStore.getState().selected } });
  });

  it('a text too long for a link: the fragment keeps the settings, and the page says why', async () => {
    const w = fakeWindow();
    stop = get().startUrlSync(w as unknown as Window);
    await get().init(fakeEngine().engine, null);
    let seed = 1;
    const noise = Array.from({ length: 400_000 }, () => String.fromCharCode(33 + ((seed = (seed * 16807) % 2147483647) % 90))).join('');
    get().setText(noise);
    const url = get().writeLink(false);
    expect(url.startsWith('http://localhost:4173/#s=')).toBe(true);
    const d = decodeState(w.location.hash);
    expect(d.ok && d.state && d.state.input).toEqual({ omitted: 400_000 });
    expect(useStore.getState().linkNote).toMatch(/over the 350,000/);
    get().setText('short');
    get().writeLink(false);
    expect(useStore.getState().linkNote).toBeUndefined();
  });

  it('a link pasted into the address bar of the open page is applied; a bad one gives a message', async () => {
    const w = fakeWindow();
    stop = get().startUrlSync(w as unknown as Window);
    await get().init(fakeEngine().engine, null);
    w.navigate(`#${encodeState({ v: 1, models: ['primer-tiny'], backend: 'wasm', context: 777, input: { text: 'from a link' } })}`);
    await vi.waitFor(() => expect(useStore.getState().text).toBe('from a link'));
    expect(useStore.getState()).toMatchObject({ selected: ['primer-tiny'], context: 777 });
    w.navigate('#s=garbage!');
    expect(useStore.getState().banner).toMatchObject({ kind: 'error', text: expect.stringMatching(/not a playground link/) });
    expect(useStore.getState().context).toBe(777);
  });
});
