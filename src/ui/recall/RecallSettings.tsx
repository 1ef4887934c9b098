import { useEffect, useState } from 'react';
import type { RecallSettings as Settings } from '../../state/recallData';
import { useStore } from '../../state/store';

/** Numbers typed as a list ("256, 1024, 4096"): committed when every item is a number, else marked and left. */
function ListInput({ value, onChange, testId, label, title }: { value: number[]; onChange: (xs: number[]) => void; testId: string; label: string; title?: string }) {
  const [text, setText] = useState(value.join(', '));
  useEffect(() => setText(value.join(', ')), [value]);
  const parse = (t: string) => {
    const xs = t.split(/[\s,]+/).filter(Boolean).map(Number);
    return xs.length && xs.every((x) => Number.isFinite(x)) ? xs : undefined;
  };
  const bad = !parse(text);
  return (
    <label className="small" title={title}>
      {label}{' '}
      <input
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const xs = parse(e.target.value);
          if (xs) onChange(xs);
        }}
        aria-invalid={bad}
        className={bad ? 'invalid' : undefined}
        data-testid={testId}
        style={{ width: '14em' }}
      />
    </label>
  );
}

function NumberInput({ value, onChange, testId, label, min, max, step, title }: { value: number; onChange: (x: number) => void; testId: string; label: string; min?: number; max?: number; step?: number; title?: string }) {
  return (
    <label className="small" title={title}>
      {label}{' '}
      <input type="number" value={Number.isFinite(value) ? value : ''} min={min} max={max} step={step} onChange={(e) => onChange(Number(e.target.value))} data-testid={testId} style={{ width: '6em' }} />
    </label>
  );
}

/** The task, its parameters, the probes per point and the seed (shared in links). */
export function RecallSettings() {
  const r = useStore((s) => s.recall);
  const running = useStore((s) => s.recallRunning);
  const { setRecall } = useStore.getState();
  const patch = <K extends 'mqar' | 'needle' | 'mirrored'>(k: K, v: Partial<Settings[K]>) => setRecall((s) => ({ ...s, [k]: { ...s[k], ...v } }));
  return (
    <fieldset className="row recall-settings" disabled={running}>
      <label className="small">
        task{' '}
        <select value={r.task} onChange={(e) => setRecall((s) => ({ ...s, task: e.target.value as Settings['task'] }))} data-testid="recall-task">
          <option value="mqar">MQAR (multi-query associative recall)</option>
          <option value="needle">needle in held-out text</option>
          <option value="mirrored-copy">mirrored copy</option>
        </select>
      </label>
      {r.task === 'mqar' && (
        <>
          <label className="small">
            against{' '}
            <select value={r.mqar.axis} onChange={(e) => patch('mqar', { axis: e.target.value as 'distance' | 'pairs' })} data-testid="recall-axis">
              <option value="distance">distance</option>
              <option value="pairs">pairs</option>
            </select>
          </label>
          {r.mqar.axis === 'distance' ? (
            <>
              <ListInput label="distances" value={r.mqar.distances} onChange={(distances) => patch('mqar', { distances })} testId="recall-distances" title="Bytes from the first pair to the end of the probe: its length" />
              <NumberInput label="pairs" value={r.mqar.pairs} min={1} onChange={(pairs) => patch('mqar', { pairs })} testId="recall-pairs" />
            </>
          ) : (
            <>
              <ListInput label="pairs" value={r.mqar.pairsList} onChange={(pairsList) => patch('mqar', { pairsList })} testId="recall-pairs-list" />
              <NumberInput label="distance" value={r.mqar.distance} min={1} onChange={(distance) => patch('mqar', { distance })} testId="recall-distance" />
            </>
          )}
          <NumberInput label="queries" value={r.mqar.queries} min={1} max={13} onChange={(queries) => patch('mqar', { queries })} testId="recall-queries" title="Keys asked at the end (at most the pairs)" />
        </>
      )}
      {r.task === 'needle' && (
        <>
          <ListInput label="lengths" value={r.needle.lengths} onChange={(lengths) => patch('needle', { lengths })} testId="recall-lengths" />
          <ListInput label="depths" value={r.needle.depths} onChange={(depths) => patch('needle', { depths })} testId="recall-depths" title="0: the first byte, 1: just before the question" />
        </>
      )}
      {r.task === 'mirrored-copy' && (
        <ListInput label="lengths" value={r.mirrored.lengths} onChange={(lengths) => patch('mirrored', { lengths })} testId="recall-mirrored-lengths" title="Even; the last 16 bytes copy the first 16, up to length − 1 bytes back" />
      )}
      <NumberInput label="probes per point" value={r.probes} min={0} max={1000} onChange={(probes) => setRecall((s) => ({ ...s, probes }))} testId="recall-probes" />
      <NumberInput label="seed" value={r.seed} min={0} onChange={(seed) => setRecall((s) => ({ ...s, seed }))} testId="recall-seed" title="Probe i of point p: seed + 100,000 × curve + 1,000 × p + i, as the offline evaluation seeds them" />
    </fieldset>
  );
}
