// A typed handle on window for Playwright tests and scripts: window.lcp.engine (load, predict, measure, sweep,
// cache) and window.lcp.store (the page state, read results).
import { createEngine, type Engine } from './engine';

export interface Automation {
  version: string;
  engine: Engine;
  store?: unknown;
  /** A second engine with other options, e.g. the native WebGPU EP for a JSEP-vs-native comparison. */
  createEngine: typeof createEngine;
}

declare global {
  interface Window {
    lcp?: Automation;
  }
}

export function installAutomation(engine: Engine, store?: unknown): Automation {
  window.lcp = { version: '1', engine, store, createEngine };
  return window.lcp;
}
