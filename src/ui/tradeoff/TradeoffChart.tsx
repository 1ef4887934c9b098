import { useMemo } from 'react';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { bubbles, tradeoffBackend, type Bubble } from '../../state/tradeoff';
import { useStore } from '../../state/store';
import { download } from '../download';
import { saveChartsPng } from '../exportPng';
import { bytesLabel, count, ms } from '../format';
import { MODEL_COLORS } from '../recall/RecallChart';
import { tradeoffCsv, qualityText } from './tradeoffCsv';

const R_MAX = 34; // px: the largest memory's bubble
const R_MIN = 3;

interface Datum {
  id: string;
  x: number;
  y: number;
  memory: number;
  measured: boolean;
  r: number;
  color: string;
  cannot?: string;
}

/** A bubble: its area is the memory (measured: filled; the estimate: a dashed ring); its data are the table's values. */
function BubbleShape({ cx, cy, payload }: { cx?: number; cy?: number; payload?: Datum }) {
  if (cx === undefined || cy === undefined || !payload) return null;
  const d = payload;
  return (
    <g data-testid={`bubble-${d.id}`} data-x={d.x} data-y={d.y} data-memory={d.memory} data-measured={d.measured} data-cx={cx} data-cy={cy} className="bubble">
      <circle cx={cx} cy={cy} r={d.r} fill={d.color} fillOpacity={d.measured ? 0.35 : 0.06} stroke={d.color} strokeWidth={1.5} strokeDasharray={d.measured ? undefined : '4 3'} />
      <text x={cx + d.r + 3} y={cy + 4} fontSize={11} fill="#1d2330">{d.id}</text>
    </g>
  );
}

/** A model that cannot run at N: a cross at the right edge, with the reason in its label. */
function CannotShape({ cx, cy, payload }: { cx?: number; cy?: number; payload?: Datum }) {
  if (cx === undefined || cy === undefined || !payload) return null;
  return (
    <g data-testid={`cannot-${payload.id}`} className="cannot-run">
      <path d={`M${cx - 6},${cy - 6}L${cx + 6},${cy + 6}M${cx - 6},${cy + 6}L${cx + 6},${cy - 6}`} stroke="#b00020" strokeWidth={2.5} />
      <text x={cx - 9} y={cy - 9} fontSize={11} textAnchor="end" fill="#b00020">{payload.id}: cannot run at this N</text>
    </g>
  );
}

/** LRA's Figure 3, live: one bubble per selected model at the slider's N (x speed, y quality, area memory). */
export function TradeoffChart() {
  const state = useStore((s) => s);
  const N = state.context;
  const { speed, quality } = state.tradeoff;
  const backend = tradeoffBackend(state);
  const all = useMemo(() => bubbles(state), [state]);
  const { setTradeoff, runSweep, runRecall } = useStore.getState();
  const color = (id: string) => MODEL_COLORS[Math.max(0, state.selected.indexOf(id)) % MODEL_COLORS.length];
  const drawn = all.filter((b) => !b.cannot && b.speed && b.quality);
  const maxMemory = Math.max(1, ...drawn.map((b) => b.memory.value));
  const xs = drawn.map((b) => b.speed!.value);
  const xDomain: [number, number] = xs.length ? [Math.min(...xs) / 2, Math.max(...xs) * 2] : [0.1, 10];
  const ys = drawn.map((b) => b.quality!.value);
  const yDomain: [number, number] = quality === 'recall' ? [0, 1] : ys.length ? [Math.max(0, Math.min(...ys) - 0.5), Math.max(...ys) + 0.5] : [0, 8];
  const data: Datum[] = drawn.map((b) => ({ id: b.modelId, x: b.speed!.value, y: b.quality!.value, memory: b.memory.value, measured: b.memory.measured, r: Math.max(R_MIN, R_MAX * Math.sqrt(b.memory.value / maxMemory)), color: color(b.modelId) }));
  const worst = quality === 'recall' ? yDomain[0] : yDomain[1];
  const cannot: Datum[] = all.filter((b) => b.cannot).map((b) => ({ id: b.modelId, x: xDomain[1], y: b.quality?.value ?? worst, memory: 0, measured: false, r: 0, color: '#b00020', cannot: b.cannot }));
  const speedMissing = all.filter((b) => !b.cannot && b.missing.speed && b.canMeasure.speed).map((b) => b.modelId);
  const qualityMissing = all.filter((b) => !b.cannot && b.missing.quality && b.canMeasure.quality).map((b) => b.modelId);
  const busy = state.sweeping || state.recallRunning;
  const xWords = speed === 'forward' ? `ms per forward over N bytes (${backend}; log scale)` : `decode ms per byte at N, cached (${backend}; log scale)`;
  const yWords = quality === 'recall' ? `recall accuracy, measured in this page (${state.recall.task})` : "bits per byte on held-out Brown, from each model's evaluation (lower is better: axis reversed)";
  return (
    <section className="panel tradeoff" aria-label="Trade-off">
      <div className="row">
        <h2>Trade-off at N = {count(N)}</h2>
        <label className="small">
          x: speed{' '}
          <select value={speed} onChange={(e) => setTradeoff({ speed: e.target.value as 'forward' | 'decode' })} data-testid="tradeoff-speed">
            <option value="forward">ms per forward</option>
            <option value="decode">decode ms per byte</option>
          </select>
        </label>
        <label className="small">
          y: quality{' '}
          <select value={quality} onChange={(e) => setTradeoff({ quality: e.target.value as 'recall' | 'bpb' })} data-testid="tradeoff-quality">
            <option value="recall">recall accuracy (this page)</option>
            <option value="bpb">bits per byte (model's evaluation)</option>
          </select>
        </label>
        <button onClick={() => saveChartsPng(document.querySelectorAll<HTMLElement>('section.tradeoff figure.chart'), 'lcp-tradeoff.png')} disabled={!drawn.length} data-testid="tradeoff-png">PNG</button>
        <button onClick={() => download('lcp-tradeoff.csv', new Blob([tradeoffCsv(all, N, backend, state.tradeoff)], { type: 'text/csv' }))} disabled={!all.length} data-testid="tradeoff-csv">CSV</button>
      </div>
      <p className="small muted">
        Long Range Arena's Figure 3 (quality against speed, circle area = memory), measured live on this device at the N set on the slider: the points already measured
        here at exactly this N (sweep medians, single runs, recall runs). Filled bubbles: memory measured with the speed; dashed rings: the cost model's estimate.
      </p>
      <figure className="chart" data-testid="tradeoff-chart">
        <figcaption>
          <b>Quality against speed at N = {count(N)}</b>
          <span className="muted small"> (x: {xWords}; y: {yWords}; area: memory)</span>
        </figcaption>
        <ResponsiveContainer width="100%" height={300}>
          <ScatterChart margin={{ left: 8, right: 24, top: 24, bottom: 20 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="x" type="number" scale="log" domain={xDomain} allowDataOverflow tickFormatter={(v) => ms(Number(v))} fontSize={11} label={{ value: xWords, position: 'insideBottom', offset: -10, fontSize: 11 }} />
            <YAxis dataKey="y" type="number" domain={yDomain} reversed={quality === 'bpb'} width={48} fontSize={11} tickFormatter={(v) => Number(v).toFixed(2)} label={{ value: quality === 'recall' ? 'accuracy' : 'bits per byte', angle: -90, position: 'insideLeft', fontSize: 11 }} />
            <Tooltip formatter={(v, name) => (name === 'x' ? ms(Number(v)) : Number(v).toFixed(3))} />
            <Scatter data={data} shape={<BubbleShape />} isAnimationActive={false} />
            <Scatter data={cannot} shape={<CannotShape />} isAnimationActive={false} />
          </ScatterChart>
        </ResponsiveContainer>
      </figure>
      {(speedMissing.length > 0 || qualityMissing.length > 0) && (
        <div className="row small" data-testid="tradeoff-missing">
          <span>Not measured at N = {count(N)} yet:</span>
          {speedMissing.length > 0 && (
            <button disabled={busy} onClick={() => runSweep(speedMissing.map((modelId) => ({ modelId, backend, contextLength: N })), speed === 'decode' ? true : undefined)} data-testid="tradeoff-measure-speed">
              measure {speed === 'forward' ? 'the forward' : 'decoding'} of {speedMissing.join(', ')}
            </button>
          )}
          {qualityMissing.length > 0 && (
            <button disabled={busy} onClick={() => runRecall({ at: N, modelIds: qualityMissing })} data-testid="tradeoff-measure-quality">
              run the recall probes at {count(N)} bytes on {qualityMissing.join(', ')}
            </button>
          )}
        </div>
      )}
      <TradeoffTable bubbles={all} />
    </section>
  );
}

function TradeoffTable({ bubbles: all }: { bubbles: Bubble[] }) {
  if (!all.length) return <p className="muted small">Pick one or more models.</p>;
  return (
    <table className="results" data-testid="tradeoff-table">
      <thead>
        <tr>
          {['model', 'speed', 'from', 'quality', 'from', 'memory', 'from', 'status'].map((c, i) => <th key={i}>{c}</th>)}
        </tr>
      </thead>
      <tbody>
        {all.map((b) => (
          <tr key={b.modelId} data-testid="tradeoff-row" data-model={b.modelId} className={b.cannot ? 'failed' : undefined}>
            <td>{b.modelId}</td>
            <td data-testid="tradeoff-x" data-value={b.speed?.value ?? ''}>{b.speed ? ms(b.speed.value) : '—'}</td>
            <td className="muted">{b.speed?.from ?? b.missing.speed ?? ''}</td>
            <td data-testid="tradeoff-y" data-value={b.quality?.value ?? ''}>{b.quality ? qualityText(b.quality) : '—'}</td>
            <td className="muted">{b.quality?.from ?? b.missing.quality ?? ''}</td>
            <td data-testid="tradeoff-memory" data-value={b.memory.value}>{bytesLabel(b.memory.value)}{b.memory.measured ? '' : ' (est.)'}</td>
            <td className="muted">{b.memory.from}</td>
            <td data-testid="tradeoff-status">{b.cannot ? `cannot run at this N: ${b.cannot}` : b.speed && b.quality ? 'drawn' : 'not measured yet'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
