import { useMemo } from 'react';
import { isStale } from '../state/runs';
import { useStore } from '../state/store';
import { failureText } from './failureText';
import { count, mib, ms } from './format';
import { Info } from './Info';
import { UNTRAINED_TITLE } from './modelTags';
import { summarize, type SummaryInput, type SummaryRow } from './summaryData';

/** The selected models side by side, like for like: bits per byte over the same bytes, then what differs. */
export function SummaryTable() {
  const selected = useStore((s) => s.selected);
  const status = useStore((s) => s.status);
  const manifests = useStore((s) => s.manifests);
  const bytes = useStore((s) => s.bytes);
  const singles = useStore((s) => s.singles);
  const points = useStore((s) => s.points);
  const context = useStore((s) => s.context);
  const stale = selected.filter((id) => isStale({ status, bytes, context } as Parameters<typeof isStale>[0], id));
  const summary = useMemo(() => {
    const inputs = selected.map((id): SummaryInput => {
      const st = status[id];
      const p = st?.prediction;
      const key = (x: { modelId: string; backend: string; contextLength: number; numLatents?: number }) =>
        p && x.modelId === id && x.backend === p.backend && x.contextLength === p.contextLength && x.numLatents === p.numLatents;
      return {
        id,
        manifest: manifests.find((m) => m.id === id),
        prediction: p,
        sameInput: !!p && st.predictedOn === bytes,
        busy: st?.busy,
        error: st?.error,
        errorKind: st?.errorKind,
        refused: !!st?.refusedAt,
        run: singles.find(key),
        point: points.find(key),
      };
    });
    return summarize(inputs);
  }, [selected, status, manifests, bytes, singles, points]);
  if (!selected.length) return null;
  const { shared } = summary;
  return (
    <section className="panel summary" aria-label="Summary" data-testid="summary">
      <h2>
        Side by side{' '}
        <span className="small muted" data-testid="summary-bytes">
          {shared
            ? `bits per byte over the same ${count(shared.to - shared.from)} bytes (input bytes ${count(shared.from)} to ${count(shared.to - 1)}), the bytes every model here scored`
            : 'run the models to compare them on the same bytes'}
        </span>{' '}
        <Info testId="summary-info">
          Each model scores a different stretch of its window: a decoder every byte after the first, Perceiver AR only the last M − 1 (its latents).
          Bits per byte are compared over the bytes all of them scored (the first column), so the numbers side by side are like for like; the second
          column is each model over all the bytes it scored. Time: one forward on the slider's N (one run, not a median; the first run at an N also
          allocates for the new shape). Memory: measured by this page's sweep at the same N when there is one (WASM heap or GPU buffers), otherwise the
          cost model's estimate, labelled. Past its training length: the model reads positions it never saw in training.
        </Info>
      </h2>
      <table className="results summary-table">
        <thead>
          <tr>
            <th>model</th>
            <th title="mean surprisal over the bytes every model here scored">bits/byte, same bytes</th>
            <th>all it scored</th>
            <th>window N</th>
            <th>time</th>
            <th>memory</th>
            <th>notes</th>
          </tr>
        </thead>
        <tbody>
          {summary.rows.map((r) => (
            <Row key={r.id} r={r} shared={r.sharedBpb !== undefined ? shared : undefined} stale={stale.includes(r.id)} apart={summary.apart.includes(r.id)} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Row({ r, shared, stale, apart }: { r: SummaryRow; shared?: { from: number; to: number }; stale: boolean; apart: boolean }) {
  const notes: { text: string; testId?: string; cls?: string; title?: string }[] = [];
  if (r.untrained) notes.push({ text: 'untrained: random weights, its bits per byte mean nothing', cls: 'warn', testId: `summary-untrained-${r.id}`, title: UNTRAINED_TITLE });
  if (r.pastTraining) notes.push({ text: `past its ${count(r.pastTraining)}-byte training length`, cls: 'warn', testId: `summary-past-${r.id}` });
  if (r.clipped) notes.push({ text: `N clipped: ${r.clipped}` });
  if (apart) notes.push({ text: 'reads other bytes than the rest (no byte in common): compared on its own' });
  if (r.otherInput) notes.push({ text: 'from an earlier input: run again to compare' });
  else if (stale && r.prediction) notes.push({ text: 'from an earlier N: run again to update', cls: 'muted' });
  if (r.busy) notes.push({ text: 'running…', cls: 'muted' });
  if (r.error) notes.push({ text: failureText(r.error, r.errorKind).headline, cls: 'error', testId: `summary-error-${r.id}` });
  return (
    <tr className={`summary-row${r.untrained ? ' untrained' : ''}`} data-testid={`summary-row-${r.id}`} data-from={shared?.from} data-to={shared?.to} data-bpb={r.sharedBpb}>
      <td>
        {r.name}
        {r.untrained && (
          <>
            {' '}
            <span className="tag untrained" title={UNTRAINED_TITLE}>untrained</span>
          </>
        )}
      </td>
      <td data-testid={`summary-bpb-${r.id}`}>{r.sharedBpb !== undefined ? <b>{r.sharedBpb.toFixed(3)}</b> : '—'}</td>
      <td>{r.ownBpb !== undefined ? `${r.ownBpb.toFixed(3)} over ${count(r.ownBytes!)}` : ''}</td>
      <td>{r.window !== undefined ? count(r.window) : ''}</td>
      <td>
        {r.latencyMs !== undefined && (
          <span title={r.first ? 'one run, the first at this N: it includes allocating for the new shape' : 'one run (not a median): a sweep gives medians'}>
            {ms(r.latencyMs)} <span className="muted">{r.first ? 'first run' : 'one run'}, {r.backend}</span>
          </span>
        )}
      </td>
      <td>{r.memory && <span title={r.memory.what}>{`${r.memory.measured ? '' : '≈ '}${mib(r.memory.bytes)}`} <span className="muted">{r.memory.measured ? r.memory.what : 'est.'}</span></span>}</td>
      <td className="small">
        {notes.map((n, i) => (
          <span key={i} className={`note ${n.cls ?? ''}`} data-testid={n.testId} title={n.title}>
            {n.text}
          </span>
        ))}
      </td>
    </tr>
  );
}
