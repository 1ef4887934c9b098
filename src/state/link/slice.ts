// The link slice: opening a link (the one way a link gets into the page: openLink, from the page's opening URL and
// from an address bar edited later) and what the page says about the link it writes.
import type { SliceCreator } from '../types';
import { applyFields, decodeState, type LinkNote, type SharedState } from './fields';

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
}

export const createLinkSlice: SliceCreator<LinkSlice> = (set, get) => ({
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
