import { useState } from 'react';
import type { Prediction } from '../engine';
import { count, surprisalColor } from './format';

const SHOWN_TOKENS = 600; // tokens rendered per panel: the tail of the window

const visible = (s: string) => s.replaceAll('\n', '↵\n');

/**
 * A Hub decoder's prediction: the window's tail, one span per token, coloured by the token's surprisal (bits for the
 * whole token, not per byte). Hover a token to see what the model expected there.
 */
export function TokenSurprisal({ id, p }: { id: string; p: Prediction }) {
  const t = p.tokens!;
  const n = t.ids.length;
  const from = Math.max(p.scoredStart, n - SHOWN_TOKENS);
  const [at, setAt] = useState<number | undefined>(undefined);
  const spans = [];
  for (let i = from; i < n; i++) {
    const bits = p.surprisalBits[i - p.scoredStart];
    // a token of b bytes coloured by its bits per byte, so long and short tokens compare (the title gives both)
    spans.push(
      <span key={i} data-tok={i} style={{ background: surprisalColor(bits / Math.max(1, t.bytes[i])) }} title={`${bits.toFixed(2)} bits, ${t.bytes[i]} bytes`}>
        {visible(t.text[i])}
      </span>,
    );
  }
  const top = at !== undefined && at >= p.topStart ? p.top[at - p.topStart] : undefined;
  const topText = at !== undefined && at >= p.topStart ? t.topText[at - p.topStart] : undefined;
  return (
    <>
      <p className="muted small">
        {n - p.scoredStart > SHOWN_TOKENS ? `Last ${count(SHOWN_TOKENS)} of ${count(n)} tokens shown. ` : ''}Colour: each token's surprisal per byte, pale green (expected) to
        red (surprising).
      </p>
      <pre
        className="surprisal tokens"
        data-testid={`surprisal-${id}`}
        onMouseOver={(e) => {
          const i = (e.target as HTMLElement).dataset.tok;
          if (i !== undefined) setAt(Number(i));
        }}
      >
        {spans}
      </pre>
      {at === undefined ? (
        <p className="byte-detail muted small">Hover a token to see the model's top guesses there.</p>
      ) : (
        <p className="byte-detail small" data-testid={`token-detail-${id}`}>
          token {count(at)} <code>{JSON.stringify(t.text[at])}</code> (id {t.ids[at]}): <b>{p.surprisalBits[at - p.scoredStart].toFixed(2)} bits</b>
          {top && topText
            ? top.map((g, k) => (
                <span key={g.byte} className={`guess${g.byte === t.ids[at] ? ' hit' : ''}`}>
                  {' '}
                  <code>{JSON.stringify(topText[k])}</code> {(g.p * 100).toFixed(1)}%
                </span>
              ))
            : ` · top guesses are kept for the last ${count(p.top.length)} tokens only`}
        </p>
      )}
    </>
  );
}
