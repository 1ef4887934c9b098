// The trade-off chart's plot, drawn as plain SVG: a log x axis, a linear y axis, bubbles whose area is memory and
// crosses for models that cannot run at N. recharts' ScatterChart kept the main thread busy for seconds after every
// change of N here (Chromium, the 2-core machine at load average 15 to 20: the page answered after 8.6 and 11.7 s,
// 2 and 6 s after the change; without the chart after 0.2 to 0.9 s; with this SVG 0.1 to 0.4 s, load average 30),
// and a plot this small needs none of its machinery.

export interface PlotBubble {
  id: string;
  x: number;
  y: number;
  memory: number;
  measured: boolean; // else the estimate: a dashed ring
  color: string;
}

export interface PlotCross {
  id: string;
  y?: number; // its quality, when known; else drawn at the worst end of the y axis
  why: string;
}

const W = 760;
const H = 320;
const M = { left: 58, right: 190, top: 18, bottom: 46 };
const R_MAX = 34; // px: the largest memory's bubble
const R_MIN = 3;

/** 1, 2, 5 × 10^k within [lo, hi]. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) out.push(Number(v.toPrecision(3)));
    }
  return out;
}

export function BubblePlot(props: {
  bubbles: PlotBubble[];
  crosses: PlotCross[];
  xDomain: [number, number];
  yDomain: [number, number];
  yReversed: boolean;
  xTitle: string;
  yTitle: string;
  xTick: (v: number) => string;
}) {
  const { bubbles, crosses, xDomain: [x0, x1], yDomain: [y0, y1], yReversed } = props;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number) => M.left + ((Math.log(x) - Math.log(x0)) / (Math.log(x1) - Math.log(x0))) * pw;
  const sy = (y: number) => M.top + (yReversed ? (y - y0) / (y1 - y0) : (y1 - y) / (y1 - y0)) * ph;
  const maxMemory = Math.max(1, ...bubbles.map((b) => b.memory));
  const r = (memory: number) => Math.max(R_MIN, R_MAX * Math.sqrt(memory / maxMemory));
  const yTicks = Array.from({ length: 5 }, (_, i) => y0 + ((y1 - y0) * i) / 4);
  const worst = yReversed ? y1 : y0;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width="100%" data-png="1" role="img" aria-label="quality against speed" style={{ fontFamily: 'system-ui, sans-serif', maxWidth: W }}>
      <rect x={M.left} y={M.top} width={pw} height={ph} fill="#fff" stroke="#dde1e7" />
      {logTicks(x0, x1).map((v) => (
        <g key={`x${v}`}>
          <line x1={sx(v)} x2={sx(v)} y1={M.top} y2={M.top + ph} stroke="#e3e6eb" strokeDasharray="3 3" />
          <text x={sx(v)} y={M.top + ph + 14} fontSize={11} textAnchor="middle">{props.xTick(v)}</text>
        </g>
      ))}
      {yTicks.map((v) => (
        <g key={`y${v}`}>
          <line x1={M.left} x2={M.left + pw} y1={sy(v)} y2={sy(v)} stroke="#e3e6eb" strokeDasharray="3 3" />
          <text x={M.left - 6} y={sy(v) + 4} fontSize={11} textAnchor="end">{v.toFixed(2)}</text>
        </g>
      ))}
      <text x={M.left + pw / 2} y={H - 8} fontSize={11} textAnchor="middle">{props.xTitle}</text>
      <text transform={`translate(14 ${M.top + ph / 2}) rotate(-90)`} fontSize={11} textAnchor="middle">{props.yTitle}</text>
      {[...bubbles].sort((a, b) => b.memory - a.memory).map((b) => {
        const cx = sx(b.x);
        const cy = sy(b.y);
        const rad = r(b.memory);
        return (
          <g key={b.id} data-testid={`bubble-${b.id}`} data-x={b.x} data-y={b.y} data-memory={b.memory} data-measured={b.measured} data-cx={cx} data-cy={cy} data-r={rad}>
            <circle cx={cx} cy={cy} r={rad} fill={b.color} fillOpacity={b.measured ? 0.35 : 0.06} stroke={b.color} strokeWidth={1.5} strokeDasharray={b.measured ? undefined : '4 3'} />
            <text x={cx + rad + 3} y={cy + 4} fontSize={11} fill="#1d2330">{b.id}</text>
          </g>
        );
      })}
      {crosses.map((c, i) => {
        const cx = M.left + pw;
        const cy = Math.min(M.top + ph - 6, sy(c.y ?? worst) - 14 * i * (c.y === undefined ? 1 : 0));
        return (
          <g key={c.id} data-testid={`cannot-${c.id}`}>
            <title>{c.why}</title>
            <path d={`M${cx - 6},${cy - 6}L${cx + 6},${cy + 6}M${cx - 6},${cy + 6}L${cx + 6},${cy - 6}`} stroke="#b00020" strokeWidth={2.5} />
            <text x={cx + 10} y={cy + 4} fontSize={11} fill="#b00020">{c.id}: cannot run at N</text>
          </g>
        );
      })}
      {!bubbles.length && !crosses.length && (
        <text x={M.left + pw / 2} y={M.top + ph / 2} fontSize={12} textAnchor="middle" fill="#687083">nothing measured at this N yet</text>
      )}
    </svg>
  );
}
