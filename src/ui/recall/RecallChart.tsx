import { useMemo } from 'react';
import { CartesianGrid, ErrorBar, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { axisOf, TASK_NAMES, THIS_PAGE } from '../../state/recallData';
import { useStore } from '../../state/store';
import { count, shortN } from '../format';
import { firstLine } from './FailureText';
import { OFFLINE, offlineCurves, recallCurves } from './recallSeries';

export const MODEL_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const AXIS_WORDS = { distance: 'distance: bytes from the first pair to the end of the probe', pairs: 'key/value pairs in the probe', length: 'probe length (bytes)' };

/** Accuracy against distance, pairs or length: one line per model and source, bars = Wilson 95% intervals. */
export function RecallChart() {
  const settings = useStore((s) => s.recall);
  const cells = useStore((s) => s.recallCells);
  const manifests = useStore((s) => s.manifests);
  const selected = useStore((s) => s.selected);
  const curves = useMemo(() => recallCurves(cells, settings, manifests, selected), [cells, settings, manifests, selected]);
  const axis = axisOf(settings);
  const rows = useMemo(() => {
    const byX = new Map<number, Record<string, number | [number, number]>>();
    for (const c of curves)
      for (const p of c.points) {
        const row = byX.get(p.x) ?? { x: p.x };
        byX.set(p.x, row);
        if (p.accuracy === null) continue;
        row[c.key] = p.accuracy;
        if (p.lo !== undefined && p.hi !== undefined) row[`${c.key} ci`] = [p.accuracy - p.lo, p.hi - p.accuracy];
      }
    return [...byX.values()].sort((a, b) => (a.x as number) - (b.x as number));
  }, [curves]);
  // models with an offline evaluation that does not match the current settings: say what it has
  const offlineElsewhere = selected
    .map((id) => ({ id, r: manifests.find((m) => m.id === id)?.evaluation?.recall }))
    .filter((o) => o.r && !curves.some((c) => c.modelId === o.id && c.source === OFFLINE))
    .map((o) => `${o.id}: ${offlineCurves(o.r!).join('; ')}${o.r!.needle ? '; the needle grid' : ''}`);
  const missing = curves.flatMap((c) => c.points.filter((p) => p.accuracy === null && c.source !== OFFLINE).map((p) => ({ key: c.key, x: p.x, note: p.note })));
  const elsewhere = offlineElsewhere.length > 0 && (
    <p className="muted small" data-testid="recall-offline-elsewhere">
      The models' offline evaluations hold other curves ({offlineElsewhere.join(' · ')}): set the same task and fixed parameters to draw them here.
    </p>
  );
  if (!curves.length)
    return (
      <div>
        <p className="muted small" data-testid="recall-chart-empty">Run the probes to draw accuracy against {axis}.</p>
        {elsewhere}
      </div>
    );
  const color = (id: string) => MODEL_COLORS[Math.max(0, selected.indexOf(id)) % MODEL_COLORS.length];
  return (
    <figure className="panel chart" data-testid="recall-chart">
      <figcaption>
        <b>Recall: {TASK_NAMES[settings.task]} accuracy against {axis}</b>
        <span className="muted small">
          {' '}
          (y: fraction of probes whose every answer byte is the model's top prediction; bars: Wilson 95% intervals; solid: measured in this page; dashed: the model's
          offline evaluation{settings.task === 'needle' ? '; every depth pooled at a length' : ''})
        </span>
      </figcaption>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={rows} margin={{ left: 4, right: 16, top: 8, bottom: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="x" type="number" scale="log" domain={['dataMin', 'dataMax']} ticks={rows.map((r) => r.x as number)} tickFormatter={shortN} fontSize={11} label={{ value: AXIS_WORDS[axis], position: 'insideBottom', offset: -8, fontSize: 11 }} />
          <YAxis domain={[0, 1]} width={40} fontSize={11} label={{ value: 'accuracy', angle: -90, position: 'insideLeft', fontSize: 11 }} />
          <Tooltip formatter={(v) => (Array.isArray(v) ? '' : Number(v).toFixed(3))} labelFormatter={(x) => `${axis} = ${count(Number(x))}`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {curves.map((c) => (
            <Line
              key={c.key}
              dataKey={c.key}
              name={c.key}
              stroke={color(c.modelId)}
              strokeDasharray={c.source === OFFLINE ? '6 4' : c.source === THIS_PAGE ? undefined : '2 3'}
              dot={c.source === THIS_PAGE ? true : { r: 3.5, fill: '#fff', strokeWidth: 1.5 }}
              connectNulls
              isAnimationActive={false}
            >
              <ErrorBar dataKey={`${c.key} ci`} width={4} stroke={color(c.modelId)} strokeWidth={1} isAnimationActive={false} />
            </Line>
          ))}
        </LineChart>
      </ResponsiveContainer>
      {elsewhere}
      {missing.length > 0 && (
        <ul className="failures small" data-testid="recall-chart-failures">
          {missing.map((f) => (
            <li key={`${f.key}|${f.x}`}>
              ✕ {f.key} at {axis} {count(f.x)}: {f.note && firstLine(f.note)}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
