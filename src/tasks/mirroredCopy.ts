// The Perceiver AR paper's copy task (official random_mirrored_<N>): N/2 random printable bytes, then the same
// reversed; the last `answerBytes` (default 16) are the answers, copied from the first bytes, up to N-1 bytes back.
import { below, seededRandom } from './rng';
import type { Probe } from './types';
import { TAIL } from './types';

const PRINTABLE = Array.from({ length: 0x7f - 0x21 }, (_, i) => 0x21 + i);

/** N/2 random printable bytes, then the same reversed (the page's "mirror" preset and models:eval use these). */
export function mirroredBytes(seed: number, length: number): Uint8Array {
  const r = seededRandom(seed);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length / 2; i++) bytes[i] = bytes[length - 1 - i] = PRINTABLE[below(r, PRINTABLE.length)];
  return bytes;
}

export function mirroredCopy(params: Record<string, number>, seed: number): Omit<Probe, 'task' | 'params' | 'seed'> {
  const { length } = params;
  const answer = params.answerBytes ?? 16;
  if (!(length % 2 === 0 && answer >= 1 && answer <= Math.min(TAIL, length / 2)))
    throw new Error(`mirrored copy: an even length and 1 to ${TAIL} answer bytes`);
  return { bytes: mirroredBytes(seed, length), answers: [{ start: length - answer, length: answer }], planted: [] };
}
