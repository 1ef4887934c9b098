import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { type Prediction, showByte } from '../engine';
import { count, diffColor, surprisalColor } from './format';
import { bitsAt } from './surprisalDiff';

export const SHOWN = 1500; // bytes rendered per panel: the tail of the window

/** A byte as one visible character (text only; React escapes it). */
const glyph = (b: number) => (b === 10 ? '↵\n' : b >= 32 && b < 127 ? String.fromCharCode(b) : '·');

/**
 * The window's tail, one span per byte, coloured by surprisal (or by the difference with another model).
 * Hover a byte, or focus the text and move with the arrow keys, to see what the model expected there.
 */
export function SurprisalText({ id, p, bytes, compare }: { id: string; p: Prediction; bytes: Uint8Array; compare?: Prediction }) {
  const n = p.contextLength;
  const from = Math.max(p.scoredStart, n - SHOWN);
  const [cursor, setCursor] = useState<number | undefined>(undefined); // window offset
  const pre = useRef<HTMLPreElement>(null);

  // Spans are built once per prediction; moving the cursor only toggles a class on two of them.
  const spans = useMemo(() => {
    const out = [];
    for (let off = from; off < n; off++) {
      const bits = p.surprisalBits[off - p.scoredStart];
      const other = compare ? bitsAt(compare, p.windowStart + off) : undefined;
      const shade = compare ? (other === undefined ? '#fff' : diffColor(bits - other)) : surprisalColor(bits);
      out.push(
        <span key={off} data-off={off} style={{ background: shade }}>
          {glyph(bytes[p.windowStart + off])}
        </span>,
      );
    }
    return out;
  }, [p, bytes, compare, from, n]);

  useEffect(() => {
    if (cursor === undefined || !pre.current) return;
    const el = pre.current.querySelector<HTMLElement>(`[data-off="${cursor}"]`);
    el?.classList.add('cursor');
    if (document.activeElement === pre.current) el?.scrollIntoView({ block: 'nearest' });
    return () => el?.classList.remove('cursor');
  }, [cursor, spans]);

  const onKey = (e: KeyboardEvent) => {
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -64, ArrowDown: 64, Home: -n, End: n }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    setCursor((c) => Math.min(n - 1, Math.max(from, (c ?? n) + step)));
  };

  return (
    <>
      <pre
        ref={pre}
        className="surprisal"
        tabIndex={0}
        aria-label={`Last ${count(n - from)} bytes of the window, coloured by ${compare ? 'surprisal difference' : 'surprisal'}. Arrow keys move through the bytes.`}
        data-testid={`surprisal-${id}`}
        onMouseOver={(e) => {
          const off = (e.target as HTMLElement).dataset.off;
          if (off !== undefined) setCursor(Number(off));
        }}
        onFocus={() => setCursor((c) => c ?? n - 1)}
        onKeyDown={onKey}
      >
        {spans}
      </pre>
      <ByteDetail p={p} bytes={bytes} compare={compare} off={cursor} id={id} />
    </>
  );
}

/** What the model saw at one byte and what it expected there. */
function ByteDetail({ id, p, bytes, compare, off }: { id: string; p: Prediction; bytes: Uint8Array; compare?: Prediction; off?: number }) {
  if (off === undefined) return <p className="byte-detail muted small">Hover a byte, or focus the text and use the arrow keys, to see the model's top guesses there.</p>;
  const at = p.windowStart + off;
  const bits = p.surprisalBits[off - p.scoredStart];
  const other = compare ? bitsAt(compare, at) : undefined;
  const top = off >= p.topStart ? p.top[off - p.topStart] : undefined;
  return (
    <p className="byte-detail small" aria-live="polite" data-testid={`byte-detail-${id}`}>
      byte {count(at)} <code>{showByte(bytes[at])}</code>: <b>{bits.toFixed(2)} bits</b>
      {compare && (other === undefined ? ' (the other model did not score this byte)' : ` (other model ${other.toFixed(2)}, difference ${(bits - other).toFixed(2)})`)}
      {top ? (
        <>
          {' '}· expected:{' '}
          {top.map((t) => (
            <span key={t.byte} className={`guess${t.byte === bytes[at] ? ' hit' : ''}`}>
              <code>{showByte(t.byte)}</code> {(t.p * 100).toFixed(1)}%
            </span>
          ))}
        </>
      ) : (
        ` · top guesses are kept for the last ${count(p.top.length)} bytes only`
      )}
    </p>
  );
}
