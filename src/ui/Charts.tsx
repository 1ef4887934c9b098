import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { setLogAxes, useStore } from '../state/store';
import type { MeasurePoint } from '../engine/types';
import { toRows } from './seriesData';
import { bytesLabel, shortN } from './format';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

function Chart(props: { id: string; title: string; unit: string; points: MeasurePoint[]; value: Parameters<typeof toRows>[1]; estimate?: Parameters<typeof toRows>[2]; band?: Parameters<typeof toRows>[1]; fmt?: (v: number) => string }) {
  const log = useStore((s) => s.logAxes);
  const { rows, series } = toRows(props.points, props.value, props.estimate);
  const band = props.band ? toRows(props.points, props.band).rows : [];
  const merged = rows.map((r) => ({ ...r, ...Object.fromEntries(Object.entries(band.find((b) => b.n === r.n) ?? {}).filter(([k]) => k !== 'n').map(([k, v]) => [`${k} p95`, v])) }));
  const fmt = props.fmt ?? ((v: number) => v.toPrecision(3));
  return (
    <figure className="panel chart" data-testid={props.id}>
      <figcaption>{props.title}</figcaption>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={merged} margin={{ left: 10, right: 20, top: 10, bottom: 10 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="n" type="number" scale={log ? 'log' : 'linear'} domain={['dataMin', 'dataMax']} tickFormatter={shortN} label={{ value: 'context N (bytes)', position: 'insideBottom', offset: -5 }} />
          <YAxis scale={log ? 'log' : 'linear'} domain={['auto', 'auto']} tickFormatter={fmt} allowDataOverflow width={70} label={{ value: props.unit, angle: -90, position: 'insideLeft' }} />
          <Tooltip formatter={(v) => fmt(Number(v))} labelFormatter={(n) => `N = ${n}`} />
          <Legend />
          {series.map((s, i) => [
            <Line key={s.key} dataKey={s.key} name={props.estimate ? `${s.key} measured` : s.key} stroke={COLORS[i % COLORS.length]} strokeWidth={2} dot connectNulls isAnimationActive={false} />,
            props.band && <Line key={`${s.key} p95`} dataKey={`${s.key} p95`} name={`${s.key} p95`} stroke={COLORS[i % COLORS.length]} strokeOpacity={0.45} strokeDasharray="2 3" dot={false} connectNulls isAnimationActive={false} />,
            props.estimate && <Line key={`${s.key} estimate`} dataKey={`${s.key} estimate`} name={`${s.key} estimate`} stroke={COLORS[i % COLORS.length]} strokeDasharray="6 4" dot={false} connectNulls isAnimationActive={false} />,
            ...s.failures.map((f) => (
              <ReferenceLine key={`${s.key}-fail-${f.n}`} x={f.n} stroke={COLORS[i % COLORS.length]} strokeDasharray="1 3" label={{ value: `✕ ${f.reason}`, fill: COLORS[i % COLORS.length], fontSize: 11, angle: -90, position: 'insideTopLeft' }} />
            )),
          ])}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** GPU bytes when the GPU ran, else the WASM heap: what the platform let us measure. */
const measuredMemory = (p: Extract<MeasurePoint, { ok: true }>) => (p.backend === 'webgpu' ? p.memory.gpuAllocatedPeakBytes : p.memory.wasmHeapBytes);

export function Charts() {
  const points = useStore((s) => s.points);
  const log = useStore((s) => s.logAxes);
  if (!points.length) return <p className="muted">Run a sweep to draw latency and memory against context length.</p>;
  return (
    <section className="charts" aria-label="Charts">
      <label className="small">
        <input type="checkbox" checked={log} onChange={(e) => setLogAxes(e.target.checked)} data-testid="log-axes" /> log axes
      </label>
      <div className="chart-grid">
        <Chart id="chart-latency" title="Latency: median (solid) and p95 (dotted) per forward over N bytes" unit="ms" points={points} value={(p) => p.medianMs} band={(p) => p.p95Ms} fmt={(v) => v.toFixed(v < 10 ? 1 : 0)} />
        <Chart
          id="chart-memory"
          title="Memory: measured (solid: GPU buffers allocated on WebGPU, WASM heap size on WASM) vs analytic estimate (dashed)"
          unit="bytes"
          points={points}
          value={measuredMemory}
          estimate={(p) => p.estimate.totalBytes}
          fmt={bytesLabel}
        />
        <Chart id="chart-throughput" title="Throughput: bytes of context processed per second" unit="bytes/s" points={points} value={(p) => p.tokensPerSec} fmt={(v) => v.toExponential(1)} />
      </div>
    </section>
  );
}
