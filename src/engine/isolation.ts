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

/**
 * WASM threads per model worker when none is asked for: half the hardware threads, at most 4 (onnxruntime-web's own
 * formula). The page runs the selected models side by side, and a kernel split over every core waits for its
 * slowest thread whenever anything else runs: on this project's 2 cores, 1 thread beat 2 at 5 of 6 points of
 * `npm run bench --quick` (src/engine/README.md).
 */
export const defaultWasmThreads = (cores: number) => Math.min(4, Math.max(1, Math.ceil(cores / 2)));

/** Threads for ORT's WASM backend: `requested`, else the default, when isolated; else 1. */
export const wasmThreadsHere = (requested?: number) =>
  self.crossOriginIsolated ? Math.max(1, requested ?? defaultWasmThreads(navigator.hardwareConcurrency || 1)) : 1;

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
