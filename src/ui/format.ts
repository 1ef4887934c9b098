// Number formatting shared by the components.
export const bytesLabel = (b: number) =>
  b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${b} B`;
/** Short byte label for axis ticks: at most three significant digits. */
export const bytesTick = (b: number) => {
  const [v, u] = b >= 2 ** 30 ? [b / 2 ** 30, 'G'] : b >= 2 ** 20 ? [b / 2 ** 20, 'M'] : b >= 1024 ? [b / 1024, 'K'] : [b, ''];
  return `${Number(v.toPrecision(v >= 100 ? 3 : 2))}${u}`;
};
/** Memory in MiB everywhere the page shows it (tables, charts, notes): one unit to compare. */
export const mib = (b: number) => (b >= 10 * 2 ** 20 ? `${count(Math.round(b / 2 ** 20))} MiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);
export const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 0)} ms`);
export const count = (n: number) => n.toLocaleString('en-US');
const SI: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, '']];
/** 1.2k, 35k, 1.5M, 2G: axis ticks for counts and rates, at most four characters before the unit. */
export const compact = (n: number) => {
  const rounded = Number(n.toPrecision(3)); // 999,999 is "1M", not "1000k"
  const [scale, unit] = SI.find(([x]) => rounded >= x) ?? [1, ''];
  const v = rounded / scale;
  return `${Number(v.toPrecision(v >= 100 ? 3 : 2))}${unit}`;
};
export const shortN = (n: number) => (n >= 1024 ? `${Number((n / 1024).toFixed(1))}k` : String(n));
/** Colour for a surprisal in bits: pale at 0, deep red at 8 bits and above. */
export const surprisalColor = (bits: number) => `hsl(${Math.max(0, 120 - bits * 15)}, 75%, ${92 - Math.min(bits, 8) * 4}%)`;
/** Blue where this model was less surprised than the other, red where more; white when equal. */
export const diffColor = (d: number) =>
  d < 0 ? `hsl(210, 80%, ${96 - Math.min(-d, 6) * 6}%)` : `hsl(0, 80%, ${96 - Math.min(d, 6) * 6}%)`;
