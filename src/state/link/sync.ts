// Keeps the URL fragment in step with the page state (debounced), so the address bar is always a share link;
// and opens it again (the link slice's openLink) when the person edits or pastes a link into the address bar of an
// open page.
import { useStore } from '../store';
import { LinkTooLongError } from './codec';
import { encodeState, readShared, watchedValues, type SharedState } from './fields';

const DEBOUNCE_MS = 800; // deflating a long pasted text takes some milliseconds: not on every keystroke

const changed = (a: unknown[], b: unknown[]) => a.some((x, i) => x !== b[i]);

/** The state a share link carries, now. Text only when the input is not a preset; results only when asked for. */
export const sharedState = (run: boolean, withText = true): SharedState => readShared(useStore.getState(), { run, withText });

/** The fragment for the current state; a text too long for a link is left out, and the page says so. */
export function currentFragment(run = false): string {
  const { setLinkNote } = useStore.getState();
  try {
    const frag = encodeState(sharedState(run));
    setLinkNote(undefined);
    return frag;
  } catch (e) {
    if (!(e instanceof LinkTooLongError)) throw e;
    setLinkNote(`${e.message} The address bar's link keeps the settings only.`);
    return encodeState(sharedState(run, false));
  }
}

let win: Window | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let lastWritten = '';

/** Drops a pending background write. */
export function cancelUrlSync(): void {
  clearTimeout(timer);
}

/**
 * Writes the fragment now (a pending background write is dropped) and returns the full link. Throws if even the
 * settings alone cannot be encoded, for "Copy link" to show; the background writer only notes it.
 */
export function writeLink(run = false): string {
  cancelUrlSync();
  const w = win ?? window;
  const frag = currentFragment(run);
  if (frag !== lastWritten) {
    lastWritten = frag;
    // replaceState: no history entry per slider step, and no hashchange event back to us
    w.history.replaceState(w.history.state, '', `#${frag}`);
  }
  return `${w.location.origin}${w.location.pathname}${w.location.search}#${frag}`;
}

/** Starts following the store (and the address bar); returns a stop function. */
export function startUrlSync(target: Window = window): () => void {
  win = target;
  lastWritten = target.location.hash.replace(/^#/, '');
  let last = watchedValues(useStore.getState());
  const unsubscribe = useStore.subscribe((s) => {
    if (!s.ready) return; // init is still applying the opening link: that is not a change to write back
    const now = watchedValues(s);
    if (!changed(now, last)) return;
    last = now;
    cancelUrlSync();
    timer = setTimeout(() => {
      try {
        writeLink(false);
      } catch (e) {
        useStore.getState().setLinkNote(`The link could not be written: ${(e as Error).message}`);
      }
    }, DEBOUNCE_MS);
  });
  const onHashChange = () => {
    const hash = target.location.hash.replace(/^#/, '');
    if (hash === lastWritten) return;
    lastWritten = hash;
    void useStore.getState().openLink(hash);
  };
  target.addEventListener('hashchange', onHashChange);
  return () => {
    cancelUrlSync();
    unsubscribe();
    target.removeEventListener('hashchange', onHashChange);
    win = undefined;
  };
}
