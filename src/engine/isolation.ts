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
 * WASM threads per model worker when none is asked for: every hardware thread, at most 4 (onnxruntime-web's own cap).
 * Measured on this project's 2 cores with nothing else running: 2 threads beat 1 at every point of `npm run bench --
 * --quick 1` (1.6 to 1.9x), and also with the two default models predicting side by side, a worker each (1.6 to 1.7x
 * at 4,096 and 8,192 bytes, even at 1,024). Only a CPU loaded by other work (training runs) reversed it (1 thread
 * won 38 of 41 points): src/engine/README.md. The page's picker sets any count, and every result records it.
 */
export const defaultWasmThreads = (cores: number) => Math.min(4, Math.max(1, cores));

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
