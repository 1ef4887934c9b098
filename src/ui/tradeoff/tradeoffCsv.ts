// The trade-off chart's table as CSV: one line per selected model at N, each figure with where it came from.
import type { Bubble, Figure, TradeoffSettings } from '../../state/tradeoff';

const cell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const qualityText = (q: Figure) => `${q.value.toFixed(3)}${q.lo !== undefined && q.hi !== undefined ? ` [${q.lo.toFixed(3)}, ${q.hi.toFixed(3)}]` : ''}`;

export function tradeoffCsv(bubbles: Bubble[], N: number, backend: string, t: TradeoffSettings): string {
  const rows = ['model,context,backend,speed_kind,speed_ms,speed_from,quality_kind,quality,quality_lo,quality_hi,quality_from,memory_bytes,memory_measured,memory_from,cannot_run,missing'];
  for (const b of bubbles)
    rows.push(
      [
        b.modelId, N, backend, t.speed, b.speed?.value, b.speed?.from, t.quality, b.quality?.value, b.quality?.lo, b.quality?.hi, b.quality?.from,
        b.memory.value, b.memory.measured ? 1 : 0, b.memory.from, b.cannot, [b.missing.speed, b.missing.quality].filter(Boolean).join('; '),
      ].map(cell).join(','),
    );
  return rows.join('\n') + '\n';
}
