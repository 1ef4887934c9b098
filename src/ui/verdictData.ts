// Verdicts for the recall presets, from a prediction's top guesses (teacher forcing: each byte guessed from the true
// bytes before it): whether a model retrieves a planted needle (and the rank it gave each answer byte), and how many
// bytes of a copy it predicts right. Pure, so the unit tests check them.
import type { Prediction, TopByte } from '../engine';

export interface Span {
  start: number; // input offset
  length: number;
}

/** The model's top guesses for the byte at input offset `at`, when it kept them (the last 2,048 scored bytes). */
export function guessesAt(p: Prediction, at: number): TopByte[] | undefined {
  const off = at - p.windowStart;
  return off >= p.topStart && off - p.topStart < p.top.length ? p.top[off - p.topStart] : undefined;
}

export interface Guess {
  at: number;
  expected: number;
  top1?: number; // its first guess
  rank?: number; // 1-based rank of the expected byte among its kept guesses; undefined: not among them
}

export interface Retrieval {
  scored: boolean; // the model guessed every answer byte (they lie in what it scored)
  retrieved: boolean; // its first guess was right at every answer byte
  guesses: Guess[];
  plantedInWindow: boolean; // the planted needle lies inside the window it read
  window: Span;
}

/** Whether the model's first guesses give the answer bytes, and where the planted needle lies relative to its window. */
export function retrieval(p: Prediction, bytes: Uint8Array, answer: Span, planted: Span): Retrieval {
  const guesses: Guess[] = [];
  for (let at = answer.start; at < answer.start + answer.length; at++) {
    const top = guessesAt(p, at);
    const i = top?.findIndex((t) => t.byte === bytes[at]) ?? -1;
    guesses.push({ at, expected: bytes[at], top1: top?.[0]?.byte, rank: i >= 0 ? i + 1 : undefined });
  }
  const scored = guesses.every((g) => g.top1 !== undefined);
  const window = { start: p.windowStart, length: p.contextLength };
  return {
    scored,
    retrieved: scored && guesses.every((g) => g.rank === 1),
    guesses,
    plantedInWindow: planted.start >= window.start && planted.start + planted.length <= window.start + window.length,
    window,
  };
}

export interface CopyScore {
  guessed: number; // bytes of the copy the model guessed (scored, with its guesses kept)
  right: number; // of those, first guess right
  reachable: number; // of those, the source byte lies inside its window (it could copy it)
  rightReachable: number;
}

/**
 * How many bytes of a copied stretch [from, to) the model's first guess gets right; `source(at)` is the input offset
 * of the byte that `at` repeats.
 */
export function copyScore(p: Prediction, bytes: Uint8Array, from: number, to: number, source: (at: number) => number): CopyScore {
  const out: CopyScore = { guessed: 0, right: 0, reachable: 0, rightReachable: 0 };
  for (let at = Math.max(from, p.windowStart); at < to; at++) {
    const top = guessesAt(p, at);
    if (!top?.length) continue;
    const right = top[0].byte === bytes[at];
    const reachable = source(at) >= p.windowStart;
    out.guessed++;
    if (right) out.right++;
    if (reachable) out.reachable++;
    if (right && reachable) out.rightReachable++;
  }
  return out;
}
