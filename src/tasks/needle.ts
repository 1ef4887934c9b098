// Needle retrieval (gkamradt's needle in a haystack, RULER's single needle): " AB12 " planted at `depth` (0: the first
// byte, 1: just before the question) of a `length`-byte window of the filler text (held-out Brown in the page and the
// evaluation), the key asked at the end (" AB" + its value, the answer). The key never occurs in the window otherwise.
import { KEYS, VALUES, keyText, valueText } from './mqar';
import { below, seededRandom } from './rng';
import type { Probe } from './types';

function indexOf(hay: Uint8Array, a: number, b: number): number {
  for (let i = 0; i + 1 < hay.length; i++) if (hay[i] === a && hay[i + 1] === b) return i;
  return -1;
}

export function needle(params: Record<string, number>, seed: number, text?: Uint8Array): Omit<Probe, 'task' | 'params' | 'seed'> {
  const { length, depth } = params;
  if (!(depth >= 0 && depth <= 1 && length >= 16)) throw new Error('needle: depth in [0, 1] and a length of at least 16 bytes');
  const window = length - 11; // + " AB12 " planted + " AB12" asked
  if (!text || text.length <= window) throw new Error(`needle: the filler text must be longer than ${window} bytes`);
  const r = seededRandom(seed);
  const start = below(r, text.length - window);
  const crop = text.subarray(start, start + window);
  let key: string;
  do key = keyText(below(r, KEYS));
  while (indexOf(crop, key.charCodeAt(0), key.charCodeAt(1)) >= 0);
  const value = valueText(below(r, VALUES));
  const at = Math.floor(depth * window + 0.5);
  const planted = ` ${key}${value} `;
  const enc = new TextEncoder();
  const bytes = new Uint8Array(length);
  bytes.set(crop.subarray(0, at), 0);
  bytes.set(enc.encode(planted), at);
  bytes.set(crop.subarray(at), at + planted.length);
  bytes.set(enc.encode(` ${key}${value}`), length - 5);
  return { bytes, answers: [{ start: length - 2, length: 2 }], planted: [{ start: at, length: planted.length, text: planted }] };
}
