// The charts' N for a Hub model counts its tokens; on the bytes axis its points are placed at N times its bytes per
// token, measured on this page's input (the first 64 KiB of it, tokenized by the model's own tokenizer).
import { useMemo } from 'react';
import { useStore } from '../state/store';
import type { ChartPoint } from './seriesData';

const SAMPLE = 65536;

/** Bytes per token of each Hub model among `ids`, on the page's input. */
export function useBytesPerToken(ids: string[]): Map<string, number> {
  const bytes = useStore((s) => s.bytes);
  const engine = useStore((s) => s.engine);
  const key = ids.join(',');
  return useMemo(() => {
    const sample = bytes.subarray(0, SAMPLE);
    const text = new TextDecoder().decode(sample);
    const out = new Map<string, number>();
    for (const id of key ? key.split(',') : []) {
      const tokens = engine?.tokenizerOf(id)?.encode(text).length;
      if (tokens) out.set(id, new TextEncoder().encode(text).length / tokens);
    }
    return out;
  }, [bytes, engine, key]);
}

/** Points on the bytes axis: a Hub model's N (tokens) times its bytes per token; the byte models' N unchanged. */
export const onBytesAxis = (points: ChartPoint[], ratio: Map<string, number>): ChartPoint[] =>
  points.flatMap((p) => {
    if (!p.modelId.startsWith('hub-')) return [p];
    const r = ratio.get(p.modelId);
    return r ? [{ ...p, contextLength: Math.round(p.contextLength * r) }] : []; // no tokenizer here (a result from elsewhere): left out
  });
