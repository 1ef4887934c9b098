// The link slice: opening a link (the one way a link gets into the page: openLink, from the page's opening URL and
// from an address bar edited later), the link the address bar holds, and what the page says about it.
import type { SliceCreator } from '../types';
import { applyFields, decodeState, type LinkNote, type SharedState } from './fields';
import { addressBar } from './sync';

export interface LinkSlice {
  linkNote?: string; // why the address bar's link leaves something out
  setShareResults(shareResults: boolean): void;
  setLinkNote(linkNote: string | undefined): void;
  /**
   * Opens a link: `hash` is decoded and validated, then applied (a bad link is a message and changes nothing).
   * Resolves true when a link was applied, false when there was none or it could not be read.
   */
  openLink(hash: string): Promise<boolean>;
  /** Applies a decoded link: settings first, then the input, then (run) the models. */
  applyShared(link: SharedState): Promise<void>;
  /** The state a share link carries, now. Text only when the input is not a preset; results only when asked for. */
  sharedState(run: boolean, withText?: boolean): SharedState;
  /**
   * Writes the address bar's link now (a pending background write is dropped) and returns it in full. Throws if even
   * the settings alone cannot be encoded, for "Copy link" to show; the background writer only notes it.
   */
  writeLink(run?: boolean): string;
  /** From the first change on, the address bar (of `target`) holds a link to this exact state; returns a stop function. */
  startUrlSync(target?: Window): () => void;
}

declare module '../types' {
  interface PageState extends LinkSlice {}
}

export const createLinkSlice: SliceCreator<LinkSlice> = (set, get, store) => ({
  ...addressBar(get, store.subscribe),

  setShareResults: (shareResults) => set({ shareResults }),
  setLinkNote: (linkNote) => get().linkNote !== linkNote && set({ linkNote }),

  async openLink(hash) {
    const d = decodeState(hash);
    if (!d.ok) set({ banner: { kind: 'error', text: d.error } });
    if (!d.ok || !d.state) return false;
    await get().applyShared(d.state);
    return true;
  },

  async applyShared(link) {
    const notes: LinkNote[] = [];
    const patches = applyFields(link, get(), (n) => notes.push(n));
    for (const p of patches) if (!(p instanceof Promise)) set(p);
    if (notes.length) set({ banner: { kind: notes.some((n) => n.kind === 'error') ? 'error' : 'info', text: notes.map((n) => n.text).join(' ') } });
    for (const p of patches) if (p instanceof Promise) set(await p);
    set({ ready: true });
    if (link.run) await get().runPredictions();
    else get().preloadModels();
  },
});
