// Lining two models' predictions up byte for byte. Their windows may differ (different limits or N), so bytes are
// matched by their offset in the input, and only bytes both models scored are compared.
import type { Prediction } from '../engine';

/** Input offset of the first byte that has a surprisal. */
export const firstScored = (p: Prediction) => p.windowStart + p.scoredStart;

/** The other prediction's surprisal (bits) of the byte at input offset `at`, if it scored that byte. */
export function bitsAt(p: Prediction, at: number): number | undefined {
  const i = at - firstScored(p);
  return i >= 0 && i < p.surprisalBits.length ? p.surprisalBits[i] : undefined;
}

export interface DiffSummary {
  bytes: number; // bytes both models scored
  from: number; // input offset of the first of them
  bitsA: number; // mean bits/byte of A over those bytes
  bitsB: number;
}

/** Both models' bits per byte over the bytes they both scored (same input assumed). */
export function diffSummary(a: Prediction, b: Prediction): DiffSummary | undefined {
  const from = Math.max(firstScored(a), firstScored(b));
  const to = Math.min(firstScored(a) + a.surprisalBits.length, firstScored(b) + b.surprisalBits.length);
  if (to <= from) return undefined;
  let sa = 0;
  let sb = 0;
  for (let at = from; at < to; at++) {
    sa += bitsAt(a, at)!;
    sb += bitsAt(b, at)!;
  }
  return { bytes: to - from, from, bitsA: sa / (to - from), bitsB: sb / (to - from) };
}
