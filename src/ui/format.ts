// Number formatting shared by the components.
export const bytesLabel = (b: number) =>
  b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${b} B`;
export const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 0)} ms`);
export const count = (n: number) => n.toLocaleString('en-US');
export const shortN = (n: number) => (n >= 1024 ? `${n / 1024}k` : String(n));
/** Colour for a surprisal in bits: pale at 0, deep red at 8 bits and above. */
export const surprisalColor = (bits: number) => `hsl(${Math.max(0, 120 - bits * 15)}, 75%, ${92 - Math.min(bits, 8) * 4}%)`;
