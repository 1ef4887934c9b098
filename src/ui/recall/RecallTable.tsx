import { paramsText, summarize, TASK_NAMES, THIS_PAGE } from '../../state/recallData';
import { useStore } from '../../state/store';
import { count, ms } from '../format';
import { UntrainedTag } from '../modelTags';
import { FailureText } from './FailureText';

/** One row per model and point, this page's first: accuracy with its Wilson interval, and how (or why not) it ran. */
export function RecallTable() {
  const cells = useStore((s) => s.recallCells);
  const manifests = useStore((s) => s.manifests);
  if (!cells.length) return null;
  const rows = [...cells].sort((a, b) => Number(a.source !== THIS_PAGE) - Number(b.source !== THIS_PAGE) || a.task.localeCompare(b.task) || a.length - b.length);
  return (
    <table className="results" data-testid="recall-table">
      <thead>
        <tr>
          {['source', 'model', 'task', 'parameters', 'read by', 'probes', 'exact', 'accuracy', '95% interval (Wilson)', 'per probe (median)', 'status'].map((c) => <th key={c}>{c}</th>)}
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => {
          const s = summarize([c]);
          return (
            <tr
              key={`${c.source}|${c.modelId}|${c.backend}|${c.task}|${JSON.stringify(c.params)}`}
              className={`point${c.failure ? ' failed' : ''}${c.source === THIS_PAGE ? '' : ' foreign'}`}
              data-testid="recall-row"
              data-model={c.modelId}
              data-source={c.source}
              data-x={c.x}
              data-accuracy={s.accuracy ?? ''}
            >
              <td>{c.source}</td>
              <td>
                {c.modelId} <UntrainedTag m={manifests.find((m) => m.id === c.modelId)} />
              </td>
              <td>{TASK_NAMES[c.task]}</td>
              <td>{paramsText(c.params)}</td>
              <td>{c.mode === 'decode' ? 'cached decoding' : c.mode === 'forward' ? 'one forward' : ''}{c.numLatents ? ` (M = ${c.numLatents})` : ''}{c.mode ? ` on ${c.backend}` : ''}</td>
              <td>{s.n} of {c.planned}</td>
              <td>{s.right}</td>
              <td data-testid="recall-accuracy">{s.accuracy === null ? '—' : s.accuracy.toFixed(3)}</td>
              <td>{s.lo === undefined ? '' : `${s.lo.toFixed(3)} – ${s.hi!.toFixed(3)}`}</td>
              <td>{s.medianMs === undefined ? '' : ms(s.medianMs)}</td>
              <td data-testid="recall-status">
                {c.running ? `reading… ${count(s.n)} of ${count(c.planned)}` : c.failure ? <FailureText message={c.failure.message} kind={c.failure.kind} /> : (c.stopped ?? 'done')}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
