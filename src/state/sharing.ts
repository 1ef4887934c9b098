// Links in and out: the state a link carries (read from the table in shared.ts) and applying an opened link.
import { applyLink, readShared, type LinkNote, type SharedState } from './shared';
import { get, set } from './store';

export interface SharingSlice {
  linkNote?: string; // why the address bar's link leaves something out
}

export function sharingInitial(): SharingSlice {
  return {};
}

export const setShareResults = (shareResults: boolean) => set({ shareResults });
export const setLinkNote = (linkNote: string | undefined) => get().linkNote !== linkNote && set({ linkNote });

/** Applies a decoded share link: settings first, then the input, then (run) the models. */
export async function applyShared(link: SharedState) {
  const notes: LinkNote[] = [];
  const patches = applyLink(link, get(), (n) => notes.push(n));
  for (const p of patches) if (!(p instanceof Promise)) set(p);
  if (notes.length) set({ banner: { kind: notes.some((n) => n.kind === 'error') ? 'error' : 'info', text: notes.map((n) => n.text).join(' ') } });
  for (const p of patches) if (p instanceof Promise) set(await p);
  set({ ready: true });
  if (link.run) await get().runPredictions();
  else get().preloadModels();
}

/** The state a share link carries. Text only when the input is not a preset; results only when asked for. */
export const sharedState = (run: boolean, withText = true): SharedState => readShared(get(), { run, withText });
