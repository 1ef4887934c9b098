// What the page asks the engine on demand and shows in place, without keeping it in the store: where a model reads
// (its attention over the window), the model files in the browser's cache, a model's training log. Components call
// these instead of the engine, which only the store holds.
import type { Manifest, TrainingLogEntry } from '../catalog/manifest';
import { fetchTrainingLog, type AttentionMap, type Engine } from '../engine';
import type { SliceCreator } from './types';

type CachedFile = Awaited<ReturnType<Engine['cache']['list']>>[number];

export interface LookupsSlice {
  /** One query position's attention over the window a prediction ran on (the model's analysis graph, run apart). */
  attention(modelId: string, input: Uint8Array, contextLength: number, numLatents?: number, query?: number): Promise<AttentionMap>;
  /** The model files kept by the Cache API (none before the engine is made). */
  listCache(): Promise<CachedFile[]>;
  deleteCached(modelId: string): Promise<void>;
  clearCache(): Promise<void>;
  /** The model's saved training log (bits per byte or copy accuracy against steps). */
  trainingLog(m: Manifest): Promise<TrainingLogEntry[]>;
}

declare module './types' {
  interface PageState extends LookupsSlice {}
}

export const createLookupsSlice: SliceCreator<LookupsSlice> = (_set, get) => {
  const engine = () => {
    const e = get().engine;
    if (!e) throw new Error('The page is still starting: try again in a moment.');
    return e;
  };
  return {
    attention: async (...args) => engine().attention(...args),
    listCache: async () => (await get().engine?.cache.list()) ?? [],
    deleteCached: async (id) => engine().cache.delete(id),
    clearCache: async () => engine().cache.clear(),
    trainingLog: (m) => fetchTrainingLog(m),
  };
};
