import { useEffect, useMemo, useState } from 'react';
import { CartesianGrid, ErrorBar, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { estimateOf } from '../catalog/costModel';
import type { MeasurePoint } from '../engine';
import { exampleFor, exampleResults } from './example';
import type { Manifest } from '../catalog/manifest';
import { decodedContext } from '../state/selectors';
import { useStore } from '../state/store';
import { saveChartsPng } from './exportPng';
import { compact, count, mib, ms, shortN } from './format';
import { failureText } from './failureText';
import { onBytesAxis, useBytesPerToken } from './hubAxis';
import { Info } from './Info';
import { isUntrained, UNTRAINED_TITLE } from './modelTags';
import { chartPoints, decodeRows, decodeRunPoint, firstRunPoints, measuredMemory, toRows, valueRange, type ChartData, type ChartPoint } from './seriesData';

// 12 colours told apart (Tableau 10 and two more): ten models each get their own
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22', '#393b79', '#ad494a'];
const FAIL = '#b00020';
const PLOT_HEIGHT = 230;

type ColorOf = (base: string) => string;

interface ChartProps {
  id: string;
  title: string;
  unit: string; // the y axis title, with its unit
  note?: string; // what the chart shows beyond its title, in words
  data: ChartData;
  measuredName?: string; // suffix for the measured series when an estimate is drawn beside it
  fmt: (v: number) => string;
  tick: (v: number) => string;
  xLabel: string; // the N axis's title, with its unit
  /** Tick values for a log axis over [lo, hi] (default: recharts' own). */
  logTicks?: (lo: number, hi: number) => number[];
  color: ColorOf;
}

/** A diamond for one run (not a median): filled for a warm run, hollow for the first run at its N. */
function Diamond({ cx, cy, stroke, payload, dataKey }: { cx?: number; cy?: number; stroke?: string; payload?: Record<string, unknown>; dataKey?: string }) {
  if (cx === undefined || cy === undefined || !Number.isFinite(cy)) return null;
  const first = !!payload?.[`${dataKey} first`];
  return (
    <path
      d={`M${cx},${cy - 5}L${cx + 5},${cy}L${cx},${cy + 5}L${cx - 5},${cy}Z`}
      fill={first ? '#fff' : stroke}
      fillOpacity={first ? 1 : 0.35}
      stroke={stroke}
      strokeWidth={1.5}
      className={`single-run${first ? ' first-run' : ''}`}
    />
  );
}

/** A hollow circle: the first run of a sweep point (compilation and allocation), drawn apart from the medians. */
function Hollow({ cx, cy, stroke }: { cx?: number; cy?: number; stroke?: string }) {
  if (cx === undefined || cy === undefined || !Number.isFinite(cy)) return null;
  return <circle cx={cx} cy={cy} r={4} fill="#fff" stroke={stroke} strokeWidth={1.5} className="first-run sweep-first" />;
}

function Chart({ id, title, unit, note, data, measuredName, fmt, tick, logTicks, color, xLabel }: ChartProps) {
  const log = useStore((s) => s.logAxes);
  const context = useStore((s) => s.context);
  const failedNs = [...new Set(data.failures.map((f) => f.n))];
  const companion = data.companion && data.rows.some((r) => Object.keys(r).some((k) => k.endsWith(` ${data.companion}`))) ? data.companion : undefined;
  // explicit domain with headroom: recharts' 'auto' on a log axis can clip the top point or an error bar's end
  const range = valueRange(data);
  const domain: [number, number] | ['auto', 'auto'] = !range ? ['auto', 'auto'] : log ? [range[0] / 1.3, range[1] * 1.3] : [0, range[1] * 1.08];
  return (
    <figure className="panel chart" data-testid={id}>
      <figcaption>
        <b>{title}</b>
        {note && <span className="muted small"> {note}</span>}
      </figcaption>
      <ResponsiveContainer width="100%" height={PLOT_HEIGHT}>
        <LineChart data={data.rows} margin={{ left: 8, right: 16, top: 8, bottom: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="n"
            type="number"
            scale={log ? 'log' : 'linear'}
            domain={['dataMin', 'dataMax']}
            tickFormatter={shortN}
            ticks={data.rows.map((r) => r.n)}
            padding={{ left: 12, right: 12 }}
            fontSize={11}
            label={{ value: xLabel, position: 'insideBottom', offset: -10, fontSize: 11, fill: '#687083' }}
          />
          <YAxis
            scale={log ? 'log' : 'linear'}
            domain={domain}
            tickFormatter={tick}
            ticks={log && range && logTicks ? logTicks(domain[0] as number, domain[1] as number) : undefined}
            allowDataOverflow
            width={58}
            fontSize={11}
            label={{ value: unit, angle: -90, position: 'insideLeft', offset: 2, fontSize: 11, fill: '#687083', style: { textAnchor: 'middle' } }}
          />
          <Tooltip formatter={(v, name) => (Array.isArray(v) || String(name).endsWith(' first') ? '' : fmt(Number(v)))} labelFormatter={(n) => `N = ${count(Number(n))}`} />
          {data.series.map(({ key, base, origin, single }) => (
            // this page's sweep: solid with filled dots; one run (slider, Continue): diamonds, hollow for a first run;
            // a sweep point's first run: hollow circles; results from elsewhere: dotted with hollow dots
            <Line
              key={key}
              dataKey={key}
              name={measuredName && !origin && !single ? `${key} ${measuredName}` : key}
              stroke={color(base)}
              strokeWidth={origin ? 1.5 : 2}
              strokeOpacity={single ? 0 : 1}
              strokeDasharray={origin ? '2 3' : undefined}
              dot={single === 'sweep, first run' ? <Hollow /> : single ? <Diamond /> : origin ? { r: 3.5, fill: '#fff', strokeWidth: 1.5 } : true}
              connectNulls={!single}
              isAnimationActive={false}
            >
              {data.rows.some((r) => r[`${key} spread`]) && <ErrorBar dataKey={`${key} spread`} width={4} stroke={color(base)} strokeWidth={1} isAnimationActive={false} />}
            </Line>
          ))}
          {companion &&
            data.bases.map((base) => (
              <Line key={`${base} ${companion}`} dataKey={`${base} ${companion}`} name={`${base} ${companion}`} stroke={color(base)} strokeDasharray="6 4" strokeWidth={1.5} dot={false} connectNulls isAnimationActive={false} />
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
            <li key={`${f.series}|${f.n}`} title={failureText(f.message).detail}>
              ✕ {f.series} at N = {count(f.n)}: <b>{f.kind}</b> — {failureText(f.message).headline}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

/** What is drawn for one model on one backend, in words (the same words as the series' names). */
function kindsOf(base: string, charts: ChartData[]): string[] {
  const kinds = new Set<string>();
  for (const d of charts) {
    for (const s of d.series) {
      if (s.base !== base) continue;
      if (s.origin) kinds.add(`┈ ${s.origin}`);
      else if (s.single === 'sweep, first run') kinds.add('○ first runs (sweep)');
      else if (s.single) kinds.add(`◆ single runs (${s.single})`);
      else kinds.add('● sweep medians');
    }
    if (d.companion && d.rows.some((r) => r[`${base} ${d.companion}`] !== undefined)) kinds.add(`┄ ${d.companion}`);
  }
  return [...kinds];
}

/** One legend for every chart, outside the plots: a colour per model and backend, and what is drawn for it. */
function SharedLegend({ bases, charts, color, manifests }: { bases: string[]; charts: ChartData[]; color: ColorOf; manifests: Manifest[] }) {
  return (
    <ul className="charts-legend small" data-testid="charts-legend">
      {bases.map((base) => {
        const m = manifests.find((x) => base.startsWith(`${x.id} (`));
        return (
          <li key={base} className="legend-item" data-testid={`legend-${base}`} data-color={color(base)}>
            <span className="swatch" style={{ background: color(base) }} />
            <b className="legend-name">{base}</b>
            {isUntrained(m) && (
              <span className="tag untrained" title={UNTRAINED_TITLE}>
                untrained
              </span>
            )}{' '}
            <span className="muted">{kindsOf(base, charts).join(' · ')}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** 256, 512, ... up to `limit` (and `limit` itself): the N at which the estimate is drawn. */
const doublings = (limit: number) => {
  const out: number[] = [];
  for (let n = 256; n < limit; n *= 2) out.push(n);
  return [...out, limit];
};

const msTick = (v: number) => (v >= 1000 ? `${Number((v / 1000).toPrecision(2))}s` : `${Number(v.toPrecision(2))}ms`);
/** Memory axes in MiB, the unit of the tables. */
/** MiB ticks at powers of 4 (1, 4, 16, ... MiB, and below 1 MiB quarters), inside [lo, hi] bytes. */
const mibTicks = (lo: number, hi: number) => {
  const out: number[] = [];
  for (let b = 2 ** 16; b <= hi; b *= 4) if (b >= lo) out.push(b);
  return out;
};
const mibTick = (b: number) => {
  const v = b / 2 ** 20;
  return v >= 100 ? count(Math.round(v)) : String(Number(v.toPrecision(2)));
};

export function Charts() {
  const own = useStore((s) => s.points);
  const singles = useStore((s) => s.singles);
  const foreign = useStore((s) => s.foreign);
  const runs = useStore((s) => s.decodeRuns);
  const manifests = useStore((s) => s.manifests);
  const log = useStore((s) => s.logAxes);
  const { setLogAxes } = useStore.getState();
  const selected = useStore((s) => s.selected);
  const status = useStore((s) => s.status);
  const backend = useStore((s) => s.backend);
  const latents = useStore((s) => s.latents);
  const [example, setExample] = useState<MeasurePoint[]>([]);
  useEffect(() => void exampleResults().then(setExample, () => setExample([])), []);
  const shownExample = useMemo(() => exampleFor(example, selected, own, backend, foreign), [example, selected, own, backend, foreign]);
  // N counts a Hub model's tokens; the bytes axis places its points at N x its bytes per token (hubAxis.ts)
  const [axis, setAxis] = useState<'n' | 'bytes'>('n');
  const hubIds = useMemo(() => [...new Set([...own, ...runs].map((p) => p.modelId).filter((id) => manifests.some((m) => m.id === id && m.hub)))], [own, runs, manifests]);
  const ratio = useBytesPerToken(hubIds);
  const onAxis = (ps: ChartPoint[]) => (axis === 'bytes' ? onBytesAxis(ps, ratio) : ps);
  const points = useMemo(() => onAxis(chartPoints(own, singles, [...foreign, ...shownExample])), [own, singles, foreign, shownExample, axis, ratio]); // eslint-disable-line react-hooks/exhaustive-deps
  const firstRuns = useMemo(() => onAxis(firstRunPoints(own)), [own, axis, ratio]); // eslint-disable-line react-hooks/exhaustive-deps
  // the cost model's memory for each selected model over every N it takes, drawn dashed from the first measurement on
  const estimates = useMemo(
    () =>
      selected.flatMap((id) => {
        const m = manifests.find((x) => x.id === id);
        if (!m || m.hub || (m.userModel && !m.userModel.fromManifest)) return []; // a Hub model's N counts tokens
        const b = status[id]?.loaded?.backend ?? (backend === 'webgpu' ? 'webgpu' : 'wasm');
        return doublings(m.config.maxContext).map((n): ChartPoint => ({
          ok: false, modelId: id, backend: b, contextLength: n, estimate: estimateOf(m, n, latents), failure: { kind: 'skipped', message: 'the estimate only' },
        }));
      }),
    [selected, manifests, status, backend, latents],
  );
  const decoding = useMemo(() => {
    const pts = onAxis([...chartPoints(own, [], foreign), ...runs.flatMap((r) => {
      const m = manifests.find((x) => x.id === r.modelId);
      return m ? [decodeRunPoint(r, estimateOf(m, decodedContext(r), r.numLatents))] : [];
    })]);
    return pts.some((p) => p.decode) ? pts : undefined;
  }, [own, foreign, runs, manifests, axis, ratio]); // eslint-disable-line react-hooks/exhaustive-deps
  const xLabel = hubIds.length ? (axis === 'bytes' ? 'context N (bytes; Hub models: tokens × bytes per token)' : 'context N (bytes; tokens for a Hub model)') : 'context N (bytes)';
  const charts = useMemo(() => {
    const latency = latencyData([...points, ...firstRuns]);
    const memory = toRows([...points, ...estimates], measuredMemory, { estimate: (p) => p.estimate.totalBytes });
    const throughput = toRows(points, (p) => p.bytesPerSec);
    const decode = decoding && decodeRows(decoding, (d) => d.msPerByte);
    const state =
      decoding &&
      decodeRows(decoding, (d) => d.stateBytes, {
        name: 'measured',
        value: (d, p) => (p.origin || p.single ? undefined : p.backend === 'webgpu' ? d.memory.gpuAllocatedPeakBytes : d.memory.wasmHeapBytes),
      });
    return { latency, memory, throughput, decode, state };
  }, [points, firstRuns, decoding, estimates]);
  if (!points.length && !decoding) return <p className="muted" data-testid="charts-empty">Run the models or a sweep to draw latency and memory against context length.</p>;
  const all = [charts.latency, charts.memory, charts.throughput, charts.decode, charts.state].filter((d): d is ChartData => !!d);
  // one colour per model and backend across every chart, in first-seen order (colours stay put as points arrive)
  const bases = [...new Set(all.flatMap((d) => d.bases))];
  const color: ColorOf = (base) => COLORS[bases.indexOf(base) % COLORS.length];
  const scale = log ? 'log–log' : 'linear';
  return (
    <section className="charts" aria-label="Charts">
      <div className="row charts-head">
        <b>Latency and memory against N</b>
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
        <Info testId="charts-info">
          <span data-testid="charts-key">
            Dots on lines: this page's sweep medians (bars: fastest run to p95), each point in a fresh worker; ○ hollow circles: each sweep point's
            first run (shader compilation, allocation), drawn apart from the medians; ◆ single runs from the slider (one run each, not a median); ◇ a
            hollow diamond is the first run at that N, which also allocates for the new shape
            {foreign.length ? '; dotted with hollow dots: results from elsewhere, named with the device that measured them' : ''}; dashed: the cost model's
            estimate (memory) or the chunked prefill of cached decoding (latency); dashed vertical: the N set now. Axes {scale}. Memory: GPU buffers
            allocated on WebGPU, WASM heap size on WASM, in MiB like the tables.
          </span>
        </Info>
      </div>
      {shownExample.length > 0 && (
        <p className="small muted charts-example" data-testid="charts-example">
          Dotted, hollow dots: a measured example, the project's benchmark on a quiet 2-core machine (WASM, 2 threads; docs/bench), shown for{' '}
          {[...new Set(shownExample[0].points.map((p) => p.modelId))].join(', ')} until a sweep here measures them on this device.
        </p>
      )}
      <SharedLegend bases={bases} charts={all} color={color} manifests={manifests} />
      <div className="chart-grid">
        <Chart id="chart-latency" title="Latency per forward pass" unit="ms per forward" data={charts.latency} fmt={ms} tick={msTick} color={color} xLabel={xLabel} />
        <Chart id="chart-memory" title="Memory" unit="MiB" note="(measured; dashed: estimate)" data={charts.memory} measuredName="measured" fmt={mib} tick={mibTick} logTicks={mibTicks} color={color} xLabel={xLabel} />
        <Chart id="chart-throughput" title="Throughput" unit="bytes/s" note="(N / latency)" data={charts.throughput} fmt={(v) => `${count(Math.round(v))} bytes/s`} tick={compact} color={color} xLabel={xLabel} />
        {charts.decode && (
          <Chart
            id="chart-decode"
            title="Decode: ms per generated byte (cached)"
            unit="ms per byte"
            note="(mean of the decode steps at N, refills included; without the cache every byte costs a forward, left)"
            data={charts.decode}
            fmt={ms}
            tick={msTick}
            color={color}
            xLabel={xLabel}
          />
        )}
        {charts.state && (
          <Chart
            id="chart-state"
            title="Decoding state memory"
            unit="MiB"
            note="(solid: the state's tensors, exact; dashed: measured in the decoding worker)"
            data={charts.state}
            measuredName="state"
            fmt={mib}
            tick={mibTick}
            logTicks={mibTicks}
            color={color}
            xLabel={xLabel}
          />
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
