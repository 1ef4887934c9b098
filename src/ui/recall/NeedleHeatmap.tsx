import { useMemo, useState } from 'react';
import { THIS_PAGE } from '../../state/recallData';
import { useStore } from '../../state/store';
import { count } from '../format';
import { firstLine } from './FailureText';
import { needleGrid, OFFLINE, type GridSource } from './recallSeries';

const CELL_W = 64;
const CELL_H = 26;
const LEFT = 64;
const TOP = 20;

/** Accuracy: white at 0, deep green at 1. A difference: blue where A is better, red where B is, white when equal. */
const shade = (v: number, diff: boolean) => (diff ? (v >= 0 ? `hsl(210, 80%, ${97 - 50 * Math.min(v, 1)}%)` : `hsl(0, 80%, ${97 - 50 * Math.min(-v, 1)}%)`) : `hsl(140, 55%, ${97 - 60 * v}%)`);

const enc = (g: GridSource) => `${g.source}|${g.modelId}`;
const dec = (v: string): GridSource | undefined => (v ? { source: v.slice(0, v.indexOf('|')), modelId: v.slice(v.indexOf('|') + 1) } : undefined);

/** The needle heatmap (depth x length, colour = accuracy) for one model and source, or the difference of two. */
export function NeedleHeatmap() {
  const settings = useStore((s) => s.recall);
  const cells = useStore((s) => s.recallCells);
  const manifests = useStore((s) => s.manifests);
  const selected = useStore((s) => s.selected);
  const sources = useMemo(() => {
    const out: GridSource[] = [];
    for (const id of selected) {
      for (const source of new Set(cells.filter((c) => c.modelId === id && c.task === 'needle').map((c) => c.source))) out.push({ modelId: id, source });
      if (manifests.find((m) => m.id === id)?.evaluation?.recall?.needle) out.push({ modelId: id, source: OFFLINE });
    }
    return out;
  }, [selected, cells, manifests]);
  const [aKey, setA] = useState('');
  const [bKey, setB] = useState('');
  const a = dec(aKey) ?? sources[0];
  const b = dec(bKey);
  const grid = useMemo(() => (a ? needleGrid(cells, manifests, settings, a, b) : []), [cells, manifests, settings, a?.modelId, a?.source, b?.modelId, b?.source]);
  if (!a) return null;
  const { lengths, depths } = settings.needle;
  const label = (g: GridSource) => `${g.modelId}${g.source === THIS_PAGE ? '' : ` — ${g.source}`}`;
  const width = LEFT + depths.length * CELL_W + 8;
  const height = TOP + lengths.length * CELL_H + 30;
  return (
    <figure className="panel chart" data-testid="needle-heatmap">
      <figcaption>
        <b>Needle: accuracy by depth and length{b ? ` (${label(a)} − ${label(b)})` : ` (${label(a)})`}</b>
        <span className="muted small"> (rows: probe length in bytes; columns: depth of the needle, 0 = the first byte, 1 = just before the question; each cell: {b ? 'difference of accuracies, blue where the first is better' : 'accuracy and probes'}; ✕: not run or cannot run)</span>
      </figcaption>
      <div className="row small">
        <label>
          model{' '}
          <select value={enc(a)} onChange={(e) => setA(e.target.value)} data-testid="heatmap-a">
            {sources.map((g) => <option key={enc(g)} value={enc(g)}>{label(g)}</option>)}
          </select>
        </label>
        <label>
          minus{' '}
          <select value={bKey} onChange={(e) => setB(e.target.value)} data-testid="heatmap-b">
            <option value="">—</option>
            {sources.filter((g) => enc(g) !== enc(a)).map((g) => <option key={enc(g)} value={enc(g)}>{label(g)}</option>)}
          </select>
        </label>
      </div>
      <svg width={width} height={height} data-png="1" role="img" aria-label="needle heatmap" style={{ fontFamily: 'system-ui, sans-serif' }}>
        {depths.map((d, j) => (
          <text key={d} x={LEFT + j * CELL_W + CELL_W / 2} y={TOP - 6} fontSize={11} textAnchor="middle">{d}</text>
        ))}
        {grid.map((c) => {
          const i = lengths.indexOf(c.length);
          const j = depths.indexOf(c.depth);
          const x = LEFT + j * CELL_W;
          const y = TOP + i * CELL_H;
          return (
            <g key={`${c.length}|${c.depth}`} data-testid="heatmap-cell" data-length={c.length} data-depth={c.depth} data-value={c.value ?? ''}>
              {j === 0 && <text x={LEFT - 6} y={y + CELL_H / 2 + 4} fontSize={11} textAnchor="end">{count(c.length)}</text>}
              <rect x={x} y={y} width={CELL_W - 2} height={CELL_H - 2} fill={c.value === null ? '#f3f3f3' : shade(c.value, !!b)} stroke="#dde1e7">
                <title>{c.value === null ? firstLine(c.note ?? '') : `${c.value.toFixed(3)} over ${c.n} probes`}</title>
              </rect>
              <text x={x + CELL_W / 2 - 1} y={y + CELL_H / 2 + 4} fontSize={11} textAnchor="middle" fill={c.value === null ? '#b00020' : '#1d2330'}>
                {c.value === null ? '✕' : `${b && c.value > 0 ? '+' : ''}${c.value.toFixed(2)}`}
              </text>
            </g>
          );
        })}
        <text x={LEFT} y={height - 8} fontSize={11}>depth →</text>
      </svg>
    </figure>
  );
}
