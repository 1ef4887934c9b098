import { useEffect, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Manifest, TrainingLogEntry } from '../catalog/manifest';
import { useStore } from '../state/store';

/** The model's saved training log: bits per byte (text) or copy accuracy (copy task) against steps. */
export function TrainingCurve({ m }: { m: Manifest }) {
  const [log, setLog] = useState<TrainingLogEntry[] | string>();
  const { trainingLog } = useStore.getState();
  useEffect(() => {
    trainingLog(m).then(setLog, (e: Error) => setLog(e.message));
  }, [m, trainingLog]);
  if (log === undefined) return <p className="small muted">Reading the training log…</p>;
  if (typeof log === 'string') return <p className="small error">{log}</p>;
  if (!log.length) return null;
  const copyTask = log.some((e) => e.accuracy !== undefined);
  const series = copyTask
    ? [{ key: 'accuracy', name: 'training accuracy per byte', color: '#1f77b4' }]
    : [
        { key: 'bitsPerByte', name: 'training batch, bits/byte', color: '#1f77b4' },
        { key: 'heldOutBitsPerByte', name: 'held-out crops, bits/byte', color: '#d62728' },
      ];
  return (
    <div data-testid={`training-curve-${m.id}`} style={{ height: 160 }}>
      <ResponsiveContainer>
        <LineChart data={log} margin={{ left: 0, right: 8, top: 4, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 10 }} />
          <YAxis tick={{ fontSize: 10 }} width={32} domain={copyTask ? [0, 1] : ['auto', 'auto']} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 10 }} />
          {series.map((s) => (
            <Line key={s.key} dataKey={s.key} name={s.name} stroke={s.color} dot={false} connectNulls isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
