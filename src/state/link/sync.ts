// The address bar as a share link: written from the page state (debounced) once the page is ready, and opened again
// (the link slice's openLink) when the person edits or pastes a link into the address bar of an open page. Made by
// the link slice from the store's get and subscribe.
import type { StoreApi } from 'zustand';
import type { PageState } from '../types';
import { LinkTooLongError } from './codec';
import { encodeState, readShared, watchedValues, type SharedState } from './fields';

const DEBOUNCE_MS = 800; // deflating a long pasted text takes some milliseconds: not on every keystroke

const changed = (a: unknown[], b: unknown[]) => a.some((x, i) => x !== b[i]);

export function addressBar(get: () => PageState, subscribe: StoreApi<PageState>['subscribe']) {
  let win: Window | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastWritten = '';

  const sharedState = (run: boolean, withText = true): SharedState => readShared(get(), { run, withText });

  /** The fragment for the current state; a text too long for a link is left out, and the page says so. */
  function currentFragment(run: boolean): string {
    try {
      const frag = encodeState(sharedState(run));
      get().setLinkNote(undefined);
      return frag;
    } catch (e) {
      if (!(e instanceof LinkTooLongError)) throw e;
      get().setLinkNote(`${e.message} The address bar's link keeps the settings only.`);
      return encodeState(sharedState(run, false));
    }
  }

  function writeLink(run = false): string {
    clearTimeout(timer); // a pending background write is dropped
    const w = win ?? window;
    const frag = currentFragment(run);
    if (frag !== lastWritten) {
      lastWritten = frag;
      // replaceState: no history entry per slider step, and no hashchange event back to us
      w.history.replaceState(w.history.state, '', `#${frag}`);
    }
    return `${w.location.origin}${w.location.pathname}${w.location.search}#${frag}`;
  }

  function startUrlSync(target: Window = window): () => void {
    win = target;
    lastWritten = target.location.hash.replace(/^#/, '');
    let last = watchedValues(get());
    const unsubscribe = subscribe((s) => {
      if (!s.ready) return; // init is still applying the opening link: that is not a change to write back
      const now = watchedValues(s);
      if (!changed(now, last)) return;
      last = now;
      clearTimeout(timer);
      timer = setTimeout(() => {
        try {
          writeLink(false);
        } catch (e) {
          get().setLinkNote(`The link could not be written: ${(e as Error).message}`);
        }
      }, DEBOUNCE_MS);
    });
    const onHashChange = () => {
      const hash = target.location.hash.replace(/^#/, '');
      if (hash === lastWritten) return;
      lastWritten = hash;
      void get().openLink(hash);
    };
    target.addEventListener('hashchange', onHashChange);
    return () => {
      clearTimeout(timer);
      unsubscribe();
      target.removeEventListener('hashchange', onHashChange);
      win = undefined;
    };
  }

  return { sharedState, writeLink, startUrlSync };
}
