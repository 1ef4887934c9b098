// Keeps the URL fragment in step with the page state (debounced), so the address bar is always a share link.
import { sharedState, useStore, type PageState } from './store';
import { encodeState } from './urlCodec';

const SHARED_KEYS: (keyof PageState)[] = ['selected', 'backend', 'context', 'latents', 'text', 'preset', 'sweepContexts', 'sweepBackends'];
let timer: ReturnType<typeof setTimeout> | undefined;

export function startUrlSync(): () => void {
  return useStore.subscribe((s, prev) => {
    if (!s.manifests.length || SHARED_KEYS.every((k) => s[k] === prev[k])) return;
    cancelUrlSync();
    timer = setTimeout(() => {
      try {
        history.replaceState(null, '', `#${encodeState(sharedState(false))}`);
      } catch {
        // too large for a link: the address keeps the last state that fit; "Copy link" explains why
      }
    }, 800);
  });
}

/** Drops a pending write, e.g. right after "Copy link" wrote a fragment of its own. */
export function cancelUrlSync(): void {
  clearTimeout(timer);
}
