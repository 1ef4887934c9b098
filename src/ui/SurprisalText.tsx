import type { Prediction } from '../engine/types';
import { showByte } from '../engine/tokenizer';
import { surprisalColor } from './format';

const SHOWN = 1500; // bytes rendered per panel: the tail of the window

/** The window's tail, one span per byte, coloured by surprisal; the title shows what the model expected. */
export function SurprisalText({ p, bytes, compare }: { p: Prediction; bytes: Uint8Array; compare?: Prediction }) {
  const n = p.contextLength;
  const from = Math.max(p.scoredStart, n - SHOWN);
  const spans = [];
  for (let off = from; off < n; off++) {
    const b = bytes[p.windowStart + off];
    const bits = p.surprisalBits[off - p.scoredStart];
    const other = compare && compare.windowStart + compare.scoredStart <= p.windowStart + off ? compare.surprisalBits[p.windowStart + off - compare.windowStart - compare.scoredStart] : undefined;
    const top = off >= p.topStart ? p.top[off - p.topStart] : undefined; // what the model expected at this byte
    const title =
      `${showByte(b)}: ${bits.toFixed(2)} bits` +
      (other !== undefined ? ` (other model ${other.toFixed(2)})` : '') +
      (top ? `\nexpected: ${top.map((t) => `${showByte(t.byte)} ${(t.p * 100).toFixed(1)}%`).join(', ')}` : '');
    const shade = other !== undefined ? diffColor(bits - other) : surprisalColor(bits);
    spans.push(
      <span key={off} style={{ background: shade }} title={title}>
        {b === 10 ? '↵\n' : b >= 32 && b < 127 ? String.fromCharCode(b) : '·'}
      </span>,
    );
  }
  return <pre className="surprisal">{spans}</pre>;
}

/** Blue where this model was less surprised than the other, red where more. */
const diffColor = (d: number) => (d < 0 ? `hsl(210, 80%, ${95 - Math.min(-d, 6) * 6}%)` : `hsl(0, 80%, ${95 - Math.min(d, 6) * 6}%)`);
