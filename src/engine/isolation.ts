// Cross-origin isolation, which multithreaded WASM needs (SharedArrayBuffer): from the server's COOP/COEP headers,
// or from the coi-serviceworker that index.html installs on static hosts that cannot send them. Without it ORT runs
// one thread, and the page says so.

export const COI_SCRIPT = 'coi-serviceworker.js';

export interface Isolation {
  isolated: boolean;
  via?: 'headers' | 'service-worker';
  reason?: string; // why not, in words
  wasmThreads: number; // what ORT's WASM backend gets on this page
}

/** Threads for ORT's WASM backend: the hardware threads (or `requested`) when isolated, else 1. */
export const wasmThreadsHere = (requested?: number) => (self.crossOriginIsolated ? Math.max(1, requested ?? (navigator.hardwareConcurrency || 1)) : 1);

export function isolation(): Isolation {
  const wasmThreads = wasmThreadsHere();
  const worker = typeof navigator !== 'undefined' ? navigator.serviceWorker?.controller?.scriptURL : undefined;
  const bySw = !!worker?.endsWith(`/${COI_SCRIPT}`);
  if (self.crossOriginIsolated) return { isolated: true, via: bySw ? 'service-worker' : 'headers', wasmThreads };
  const reason = !self.isSecureContext
    ? 'the page is not in a secure context (https or localhost), where service workers cannot run'
    : !navigator.serviceWorker
      ? 'this browser offers no service worker here (private mode, or disabled)'
      : bySw
        ? 'the isolation service worker is running, yet the page is not isolated'
        : 'the host sends no COOP/COEP headers and the isolation service worker is not running (blocked, or installing: the page then reloads once)';
  return { isolated: false, reason, wasmThreads };
}
