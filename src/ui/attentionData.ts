// The attention view's numbers: weights binned for the strip and the chart (65,536 positions do not fit in pixels),
// and the peak, found on the unbinned weights.

export interface Bin {
  start: number; // window offset of the bin's first byte
  mass: number; // summed weight of the bin's bytes
}

export function binWeights(weights: ArrayLike<number>, bins: number): Bin[] {
  const n = weights.length;
  const size = Math.max(1, Math.ceil(n / bins));
  const out: Bin[] = [];
  for (let start = 0; start < n; start += size) {
    let mass = 0;
    for (let i = start; i < Math.min(n, start + size); i++) mass += weights[i];
    out.push({ start, mass });
  }
  return out;
}

/** The position with the largest weight, and how much of the mass lies within `radius` bytes of it. */
export function peakOf(weights: ArrayLike<number>, radius = 64): { offset: number; weight: number; near: number } {
  let offset = 0;
  for (let i = 1; i < weights.length; i++) if (weights[i] > weights[offset]) offset = i;
  let near = 0;
  for (let i = Math.max(0, offset - radius); i <= Math.min(weights.length - 1, offset + radius); i++) near += weights[i];
  return { offset, weight: weights[offset] ?? 0, near };
}
