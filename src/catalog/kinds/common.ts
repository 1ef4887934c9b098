// What several kinds share: a positive count in their schema, numbers in their words, the cost model's units.
import { z } from 'zod';
import type { Shape } from './types';

export const Count = z.number().int().positive();
export const count = (n: number) => n.toLocaleString('en-US');

export const F32 = 4;
export const SCORE_COPIES = 4; // scores, scaled, masked, probabilities
export const roundUp = (n: number, k: number) => Math.ceil(n / k) * k;

/** FLOPs (2 per multiply-add) of L decoder layers over n positions whose attention costs `scoreMacs` multiply-adds per layer. */
export function decoderFlops({ d, L, mlpMacs }: Shape, n: number, scoreMacs: number): number {
  return L * 2 * (n * 4 * d * d + scoreMacs + n * mlpMacs);
}
