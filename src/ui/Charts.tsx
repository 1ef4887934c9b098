import { useMemo, useState } from 'react';
import { CartesianGrid, ErrorBar, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { decodedContext } from '../state/selectors';
import { useStore } from '../state/store';
import { estimateOf } from '../catalog/costModel';
import { chartPoints, decodeRows, decodeRunPoint, measuredMemory, toRows, valueRange, type ChartData, type ChartPoint } from './seriesData';
import { bytesLabel, bytesTick, compact, count, ms, shortN } from './format';
import { saveChartsPng } from './exportPng';
import { onBytesAxis, useBytesPerToken } from './hubAxis';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const FAIL = '#b00020';

interface ChartProps {
  id: string;
  title: string;
  axes: string; // what the axes show, in words
  data: ChartData;
  measuredName?: string; // suffix for the measured series when an estimate is drawn beside it
  fmt: (v: number) => string;
  tick: (v: number) => string;
}

/** A diamond for a single run: not a median, so not a dot on a line. */
function Diamond({ cx, cy, stroke }: { cx?: number; cy?: number; stroke?: string }) {
  if (cx === undefined || cy === undefined || !Number.isFinite(cy)) return null;
  return <path d={`M${cx},${cy - 5}L${cx + 5},${cy}L${cx},${cy + 5}L${cx - 5},${cy}Z`} fill={stroke} fillOpacity={0.35} stroke={stroke} strokeWidth={1.5} className="single-run" />;
}

function Chart({ id, title, axes, data, measuredName, fmt, tick }: ChartProps) {
  const log = useStore((s) => s.logAxes);
  const context = useStore((s) => s.context);
  const failedNs = [...new Set(data.failures.map((f) => f.n))];
  const companion = data.companion && data.rows.some((r) => Object.keys(r).some((k) => k.endsWith(` ${data.companion}`))) ? data.companion : undefined;
  // explicit domain with headroom: recharts' 'auto' on a log axis can clip the top point or an error bar's end
  const range = valueRange(data);
  const domain: [number, number] | ['auto', 'auto'] = !range ? ['auto', 'auto'] : log ? [range[0] / 1.3, range[1] * 1.3] : [0, range[1] * 1.08];
  const color = (base: string) => COLORS[data.bases.indexOf(base) % COLORS.length];
  return (
    <figure className="panel chart" data-testid={id}>
      <figcaption>
        <b>{title}</b>
        <span className="muted small"> {axes}</span>
      </figcaption>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={data.rows} margin={{ left: 4, right: 16, top: 8, bottom: 4 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="n" type="number" scale={log ? 'log' : 'linear'} domain={['dataMin', 'dataMax']} tickFormatter={shortN} ticks={data.rows.map((r) => r.n)} fontSize={11} />
          <YAxis scale={log ? 'log' : 'linear'} domain={domain} tickFormatter={tick} allowDataOverflow width={52} fontSize={11} />
          <Tooltip formatter={(v) => (Array.isArray(v) ? '' : fmt(Number(v)))} labelFormatter={(n) => `N = ${count(Number(n))}`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {data.series.map(({ key, base, origin, single }) => (
            // this page's sweep: solid with filled dots; single slider runs: diamonds, no line; results from
            // elsewhere: dotted with hollow dots
            <Line
              key={key}
              dataKey={key}
              name={measuredName && !origin && !single ? `${key} ${measuredName}` : key}
              stroke={color(base)}
              strokeWidth={origin ? 1.5 : 2}
              strokeOpacity={single ? 0 : 1}
              strokeDasharray={origin ? '2 3' : undefined}
              dot={single ? <Diamond /> : origin ? { r: 3.5, fill: '#fff', strokeWidth: 1.5 } : true}
              legendType={single ? 'diamond' : 'plainline'}
              connectNulls={!single}
              isAnimationActive={false}
            >
              {data.rows.some((r) => r[`${key} spread`]) && <ErrorBar dataKey={`${key} spread`} width={4} stroke={color(base)} strokeWidth={1} isAnimationActive={false} />}
            </Line>
          ))}
          {companion &&
            data.bases.map((base) => (
              <Line key={`${base} ${companion}`} dataKey={`${base} ${companion}`} name={`${base} ${companion}`} stroke={color(base)} strokeDasharray="6 4" strokeWidth={1.5} dot={false} legendType="plainline" connectNulls isAnimationActive={false} />
            ))}
          <ReferenceLine
            x={context}
            stroke="#1d2330"
            strokeDasharray="5 3"
            ifOverflow="extendDomain"
            // the label sits on the side of the line where the plot has room
            label={{ value: `N = ${shortN(context)}`, fontSize: 11, position: context >= (data.rows.at(-1)?.n ?? 0) ? 'insideTopRight' : 'insideTopLeft' }}
            className="current-n"
          />
          {failedNs.map((n) => (
            <ReferenceLine key={`fail-${n}`} x={n} stroke={FAIL} strokeDasharray="2 3" label={{ value: '✕ failed', fill: FAIL, fontSize: 11, position: 'insideTopRight' }} />
          ))}
        </LineChart>
      </ResponsiveContainer>
      {data.failures.length > 0 && (
        <ul className="failures small" data-testid={`${id}-failures`}>
          {data.failures.map((f) => (
            <li key={`${f.series}|${f.n}`}>
              ✕ {f.series} at N = {count(f.n)}: <b>{f.kind}</b> — {f.message}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

export function Charts() {
  const own = useStore((s) => s.points);
  const singles = useStore((s) => s.singles);
  const foreign = useStore((s) => s.foreign);
  const runs = useStore((s) => s.decodeRuns);
  const manifests = useStore((s) => s.manifests);
  const log = useStore((s) => s.logAxes);
  const { setLogAxes } = useStore.getState();
  // N counts a Hub model's tokens; the bytes axis places its points at N x its bytes per token (hubAxis.ts)
  const [axis, setAxis] = useState<'n' | 'bytes'>('n');
  const hubIds = useMemo(() => [...new Set([...own, ...runs].map((p) => p.modelId).filter((id) => manifests.some((m) => m.id === id && m.hub)))], [own, runs, manifests]);
  const ratio = useBytesPerToken(hubIds);
  const onAxis = (ps: ChartPoint[]) => (axis === 'bytes' ? onBytesAxis(ps, ratio) : ps);
  const points = useMemo(() => onAxis(chartPoints(own, singles, foreign)), [own, singles, foreign, axis, ratio]); // eslint-disable-line react-hooks/exhaustive-deps
  const decoding = useMemo(() => {
    const pts = onAxis([...chartPoints(own, [], foreign), ...runs.flatMap((r) => {
      const m = manifests.find((x) => x.id === r.modelId);
      return m ? [decodeRunPoint(r, estimateOf(m, decodedContext(r), r.numLatents))] : [];
    })]);
    return pts.some((p) => p.decode) ? pts : undefined;
  }, [own, foreign, runs, manifests, axis, ratio]); // eslint-disable-line react-hooks/exhaustive-deps
  const unit = hubIds.length ? (axis === 'bytes' ? 'bytes (Hub models: tokens × their bytes per token on this input)' : 'bytes, or tokens for a Hub model') : 'bytes';
  if (!points.length && !decoding) return <p className="muted" data-testid="charts-empty">Run the models or a sweep to draw latency and memory against context length.</p>;
  const scale = log ? 'log–log' : 'linear';
  return (
    <section className="charts" aria-label="Charts">
      <div className="row">
        <label className="small">
          <input type="checkbox" checked={log} onChange={(e) => setLogAxes(e.target.checked)} data-testid="log-axes" /> log axes
        </label>
        {hubIds.length > 0 && (
          <label className="small">
            N axis{' '}
            <select value={axis} onChange={(e) => setAxis(e.target.value as 'n' | 'bytes')} data-testid="chart-axis">
              <option value="n">tokens for Hub models, bytes for the others</option>
              <option value="bytes">bytes for every model</option>
            </select>
          </label>
        )}
        <button onClick={() => saveChartsPng(document.querySelectorAll<HTMLElement>('section.charts figure.chart'))} data-testid="export-png">Charts PNG</button>
        <span className="small muted" data-testid="charts-key">
          Lines with dots: this page's sweep medians{singles.length ? '; ◆ single runs from the slider (one run each, possibly the first at that N: not a median)' : ''}
          {foreign.length ? '; dotted with hollow dots: results from elsewhere, named with the device that measured them' : ''}; dashed vertical: the N set now.
        </span>
      </div>
      <div className="chart-grid">
        <Chart
          id="chart-latency"
          title={`Latency per forward pass over N ${unit}`}
          axes={`(${scale}; bars: fastest run to p95${decoding ? '; dashed: the chunked prefill of cached decoding, the first N − D bytes through the step graph (D decode steps follow), whose memory grows with N, not N²' : ''})`}
          data={latencyData(points)}
          fmt={ms}
          tick={(v) => (v >= 1000 ? `${Number((v / 1000).toPrecision(2))}s` : `${Number(v.toPrecision(2))}ms`)}
        />
        <Chart
          id="chart-memory"
          title="Memory"
          axes={`(${scale}; measured: GPU buffers allocated on WebGPU, WASM heap size on WASM; dashed: analytic estimate)`}
          data={toRows(points, measuredMemory, { estimate: (p) => p.estimate.totalBytes })}
          measuredName="measured"
          fmt={bytesLabel}
          tick={bytesTick}
        />
        <Chart
          id="chart-throughput"
          title="Throughput"
          axes={`(${scale}; bytes of context processed per second, N / latency)`}
          data={toRows(points, (p) => p.bytesPerSec)}
          fmt={(v) => `${count(Math.round(v))} bytes/s`}
          tick={compact}
        />
        {decoding && (
          <>
            <Chart
              id="chart-decode"
              title="Decode: ms per generated byte (cached)"
              axes={`(${scale}; mean of the decode steps at N, Perceiver AR's refills included; ◆: Continue runs; without the cache every byte costs a forward pass, left)`}
              data={decodeRows(decoding, (d) => d.msPerByte)}
              fmt={ms}
              tick={(v) => (v >= 1000 ? `${Number((v / 1000).toPrecision(2))}s` : `${Number(v.toPrecision(2))}ms`)}
            />
            <Chart
              id="chart-state"
              title="Decoding state memory"
              axes={`(${scale}; solid: the state's tensors, exact; dashed: this page's sweep, measured in the decoding worker: GPU buffers on WebGPU, WASM heap on WASM)`}
              data={decodeRows(decoding, (d) => d.stateBytes, {
                name: 'measured',
                value: (d, p) => (p.origin || p.single ? undefined : p.backend === 'webgpu' ? d.memory.gpuAllocatedPeakBytes : d.memory.wasmHeapBytes),
              })}
              measuredName="state"
              fmt={bytesLabel}
              tick={bytesTick}
            />
          </>
        )}
      </div>
    </section>
  );
}

const latencyData = (points: ChartPoint[]) =>
  toRows(points, (p) => p.medianMs, {
    spread: (p) => [Math.min(...p.samplesMs, p.medianMs), p.p95Ms],
    // one dashed line per model and backend: this page's sweep only (never mixed with results from elsewhere)
    companion: { name: 'prefill (cached)', value: (p) => (p.decode?.ok && !p.origin && !p.single ? p.decode.prefillMs : undefined) },
  });
