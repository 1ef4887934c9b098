// A typed handle on window for Playwright tests and scripts: window.lcp.engine (load, predict, measure, sweep,
// cache) and window.lcp.store (the page state, read results).
import type { Engine } from './engine/types';

export interface Automation {
  version: string;
  engine: Engine;
  store?: unknown;
}

declare global {
  interface Window {
    lcp?: Automation;
  }
}

export function installAutomation(engine: Engine, store?: unknown): Automation {
  window.lcp = { version: '1', engine, store };
  return window.lcp;
}
