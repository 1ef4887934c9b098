// Zoology's multi-query associative recall over bytes (models/tasks.py says the layout; pytest checks both sides
// give the same bytes): `pairs` pairs "AB12 " (key: two uppercase letters, all different; value: two digits), filler
// (lowercase letters and spaces, which never hold a key or value byte), then `queries` of the keys in random order,
// each followed by its value: the answers. `distance`: bytes from the first pair to the end; `length` (default
// distance) adds filler before the pairs. `repeats` = 1 (training): queries drawn with replacement, as many as fit.
import { below, seededRandom } from './rng';
import type { Probe, Span } from './types';
import { TAIL } from './types';

export const KEYS = 26 * 26;
export const VALUES = 100;
export const PAIR = 5;
export const MAX_QUERIES = Math.floor((TAIL + 1) / PAIR);
const FILLER = 'abcdefghijklmnopqrstuvwxyz ';

export const keyText = (k: number) => String.fromCharCode(65 + Math.floor(k / 26), 65 + (k % 26));
export const valueText = (v: number) => String.fromCharCode(48 + Math.floor(v / 10), 48 + (v % 10));

export function filler(random: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += FILLER[below(random, FILLER.length)];
  return s;
}

export function mqarQueries(params: Record<string, number>): number {
  if (params.repeats) return params.queries ?? MAX_QUERIES - 1;
  return Math.min(params.pairs, params.queries ?? Math.min(params.pairs, 4));
}

/** The shortest distance that holds the pairs and the queries. */
export const mqarMinDistance = (pairs: number, queries: number) => PAIR * pairs + PAIR * queries - 1;

export function mqar(params: Record<string, number>, seed: number): Omit<Probe, 'task' | 'params' | 'seed'> {
  const { pairs, distance } = params;
  const queries = mqarQueries(params);
  const length = params.length ?? distance;
  if (!(pairs >= 1 && pairs <= KEYS && queries >= 1 && queries <= MAX_QUERIES))
    throw new Error(`MQAR: 1 to ${KEYS} pairs and 1 to ${MAX_QUERIES} queries (got ${pairs} and ${queries})`);
  if (!(mqarMinDistance(pairs, queries) <= distance && distance <= length))
    throw new Error(`MQAR: ${pairs} pairs and ${queries} queries need a distance of at least ${mqarMinDistance(pairs, queries)} bytes, at most the length`);
  const r = seededRandom(seed);
  const keys: number[] = [];
  const used = new Set<number>();
  while (keys.length < pairs) {
    const k = below(r, KEYS);
    if (!used.has(k)) used.add(k), keys.push(k);
  }
  const values = keys.map(() => below(r, VALUES));
  const asked: number[] = [];
  const chosen = new Set<number>();
  while (asked.length < queries) {
    const i = below(r, pairs);
    if (!chosen.has(i) || params.repeats) chosen.add(i), asked.push(i);
  }
  const prefix = filler(r, length - distance);
  const block = keys.map((k, i) => keyText(k) + valueText(values[i]) + ' ').join('');
  const question = asked.map((i) => keyText(keys[i]) + valueText(values[i])).join(' ');
  const gap = filler(r, distance - block.length - question.length);
  const text = prefix + block + gap + question;
  const end = text.length - question.length;
  const answers: Span[] = asked.map((_, j) => ({ start: end + PAIR * j + 2, length: 2 }));
  const planted = keys.map((k, i) => ({ start: prefix.length + PAIR * i, length: 4, text: keyText(k) + valueText(values[i]) }));
  return { bytes: new TextEncoder().encode(text), answers, planted };
}
