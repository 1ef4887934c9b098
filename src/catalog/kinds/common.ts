// What several kinds share: a positive count in their schema, numbers in their words, the cost model's units.
import { z } from 'zod';
import type { DecodeCost, Shape } from './types';

export const Count = z.number().int().positive();
export const count = (n: number) => n.toLocaleString('en-US');

export const F32 = 4;
export const SCORE_COPIES = 4; // scores, scaled, masked, probabilities
export const roundUp = (n: number, k: number) => Math.ceil(n / k) * k;

/** FLOPs (2 per multiply-add) of L decoder layers over n positions whose attention costs `scoreMacs` multiply-adds per layer. */
export function decoderFlops({ d, L, mlpMacs }: Shape, n: number, scoreMacs: number): number {
  return L * 2 * (n * 4 * d * d + scoreMacs + n * mlpMacs);
}

/** Per decoded byte: a decoder whose L layers each read `keys` cached keys and values (projections, MLP, scores over
 * the keys, the output layer); the state read is those keys and values. */
export function decoderStep({ d, L, mlpMacs, V }: Shape & { V: number }, keys: number): DecodeCost {
  return { flops: 2 * (L * (4 * d * d + mlpMacs + 2 * keys * d) + d * V), readBytes: 2 * L * keys * d * F32 };
}
