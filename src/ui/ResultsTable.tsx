import { Fragment, useMemo, useState } from 'react';
import { useStore } from '../state/store';
import { failureText } from './failureText';
import { count, mib, ms } from './format';
import { UntrainedTag } from './modelTags';
import { EP_LABEL, provenanceLabel, provenanceRows } from './provenanceText';
import { sourcedPoints, THIS_PAGE, type SourcedPoint } from './download';

const keyOf = (p: SourcedPoint) => `${p.source}|${p.modelId}|${p.backend}|${p.contextLength}|${p.numLatents}|${p.provenance?.measuredAt}`;
const COLUMNS = ['', 'source', 'model', 'backend', 'N', 'median', 'p95', 'first run', 'bytes/s', 'GFLOP/s (analytic)', 'measured memory', 'estimate', 'prefill', 'decode per byte', 'state', 'measured on', 'status'];

/**
 * One row per point, this page's first, then results from elsewhere (labelled, in their own colour); a row opens to
 * the point's details: where it was measured, and every timed run.
 */
export function ResultsTable() {
  const own = useStore((s) => s.points);
  const foreign = useStore((s) => s.foreign);
  const manifests = useStore((s) => s.manifests);
  const points = useMemo(() => sourcedPoints(own, foreign), [own, foreign]);
  const [open, setOpen] = useState<Record<string, boolean>>({});
  if (!points.length) return null;
  return (
    <table className="results" data-testid="results-table">
      <thead>
        <tr>{COLUMNS.map((c) => <th key={c}>{c}</th>)}</tr>
      </thead>
      <tbody>
        {points.map((p) => {
          const key = keyOf(p);
          return (
            <Fragment key={key}>
              <tr className={`point${p.ok ? '' : ' failed'}${p.source === THIS_PAGE ? '' : ' foreign'}`}>
                <td>
                  <button className="disclose" aria-expanded={!!open[key]} aria-label="details" onClick={() => setOpen({ ...open, [key]: !open[key] })} data-testid="point-toggle">
                    {open[key] ? '▾' : '▸'}
                  </button>
                </td>
                <td data-testid="point-source">{p.source}</td>
                <td>
                  {p.modelId}
                  {p.numLatents ? ` (M=${p.numLatents})` : ''} <UntrainedTag m={manifests.find((m) => m.id === p.modelId)} />
                </td>
                <td>{p.provenance ? EP_LABEL[p.provenance.ep] : p.backend}{p.ok && p.backend === 'wasm' ? ` ×${p.wasmThreads}` : ''}{p.provenance?.gpu?.isFallbackAdapter ? ' (software)' : ''}</td>
                <td>{count(p.contextLength)}</td>
                <td>{p.ok ? ms(p.medianMs) : ''}</td>
                <td>{p.ok ? ms(p.p95Ms) : ''}</td>
                <td>{p.ok ? ms(p.firstRunMs) : ''}</td>
                <td>{p.ok ? count(Math.round(p.bytesPerSec)) : ''}</td>
                <td title="the cost model's FLOPs for one forward over the median">{p.ok && p.estimate ? (p.estimate.flops / p.medianMs / 1e6).toFixed(2) : ''}</td>
                <td>
                  {p.ok
                    ? p.backend === 'webgpu'
                      ? `GPU peak ${mib(p.memory.gpuAllocatedPeakBytes ?? 0)}`
                      : p.memory.wasmHeapBytes
                        ? `WASM heap ${mib(p.memory.wasmHeapBytes)}`
                        : 'n/a'
                    : ''}
                </td>
                <td>{p.estimate?.totalBytes ? `${mib(p.estimate.totalBytes)} (est.)` : '—'}</td>
                <td>{p.decode?.ok ? `${ms(p.decode.prefillMs)} (${count(p.decode.promptBytes)} bytes)` : ''}</td>
                <td data-testid="point-decode">
                  {p.decode?.ok
                    ? `${ms(p.decode.msPerByte)} (${p.decode.stepsMs.length} steps${p.decode.refillTo !== undefined ? `, ${p.decode.refills} refill${p.decode.refills === 1 ? '' : 's'} to F = ${p.decode.refillTo}` : ''})`
                    : p.decode
                      ? `failed: ${p.decode.failure.kind} — ${failureText(p.decode.failure.message, p.decode.failure.kind).headline}`
                      : ''}
                </td>
                <td>{p.decode?.ok ? mib(p.decode.stateBytes) : ''}</td>
                <td className="provenance" data-testid="point-provenance">{provenanceLabel(p.provenance)}</td>
                <td title={!p.ok && p.failure.kind !== 'skipped' ? p.failure.message : undefined}>
                  {p.ok ? `${p.samplesMs.length} runs` : p.failure.kind === 'skipped' ? `forward ${p.failure.message}` : `failed at ${count(p.contextLength)}: ${p.failure.kind} — ${failureText(p.failure.message, p.failure.kind).headline}`}
                </td>
              </tr>
              {open[key] && (
                <tr className="point-details" data-testid="point-details">
                  <td colSpan={COLUMNS.length}>
                    <dl>
                      {provenanceRows(p.provenance).map(([k, v]) => (
                        <Fragment key={k}>
                          <dt>{k}</dt>
                          <dd>{v}</dd>
                        </Fragment>
                      ))}
                      {!p.ok && failureText(p.failure.message, p.failure.kind).detail && (
                        <>
                          <dt>the runtime's own message</dt>
                          <dd>{failureText(p.failure.message, p.failure.kind).detail}</dd>
                        </>
                      )}
                      {p.ok && (
                        <>
                          <dt>timed runs (ms)</dt>
                          <dd>{p.samplesMs.map((x) => x.toFixed(1)).join(', ')}</dd>
                          {p.sessionMs !== undefined && (
                            <>
                              <dt>session created in</dt>
                              <dd>{ms(p.sessionMs)} (the point's fresh worker)</dd>
                            </>
                          )}
                        </>
                      )}
                      {p.decode?.ok && (
                        <>
                          <dt>decode steps (ms)</dt>
                          <dd>
                            median {ms(p.decode.medianMs)}, p95 {ms(p.decode.p95Ms)}: {p.decode.stepsMs.map((x) => x.toFixed(1)).join(', ')}
                          </dd>
                          <dt>decoding memory</dt>
                          <dd>
                            state {mib(p.decode.stateBytes)} (exact)
                            {p.decode.memory.wasmHeapBytes ? `; WASM heap ${mib(p.decode.memory.wasmHeapBytes)}` : ''}
                            {p.decode.memory.gpuAllocatedPeakBytes ? `; GPU peak ${mib(p.decode.memory.gpuAllocatedPeakBytes)}` : ''} (measured)
                          </dd>
                          {p.decode.note && (
                            <>
                              <dt>note</dt>
                              <dd>{p.decode.note}</dd>
                            </>
                          )}
                        </>
                      )}
                    </dl>
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
