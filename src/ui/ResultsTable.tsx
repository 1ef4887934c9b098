import { Fragment, useState } from 'react';
import { useStore } from '../state/store';
import type { MeasurePoint } from '../engine/types';
import { bytesLabel, count, ms } from './format';
import { EP_LABEL, provenanceLabel, provenanceRows } from './provenanceText';

const keyOf = (p: MeasurePoint) => `${p.modelId}|${p.backend}|${p.contextLength}|${p.numLatents}`;
const COLUMNS = ['', 'model', 'backend', 'N', 'median', 'p95', 'first run', 'bytes/s', 'measured memory', 'estimate', 'measured on', 'status'];

/** One row per point; a row opens to the point's details: where it was measured, and every timed run. */
export function ResultsTable() {
  const points = useStore((s) => s.points);
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
              <tr className={p.ok ? 'point' : 'point failed'}>
                <td>
                  <button className="disclose" aria-expanded={!!open[key]} aria-label="details" onClick={() => setOpen({ ...open, [key]: !open[key] })} data-testid="point-toggle">
                    {open[key] ? '▾' : '▸'}
                  </button>
                </td>
                <td>{p.modelId}{p.numLatents ? ` (M=${p.numLatents})` : ''}</td>
                <td>{p.provenance ? EP_LABEL[p.provenance.ep] : p.backend}{p.ok && p.backend === 'wasm' ? ` ×${p.wasmThreads}` : ''}{p.provenance?.gpu?.isFallbackAdapter ? ' (software)' : ''}</td>
                <td>{count(p.contextLength)}</td>
                <td>{p.ok ? ms(p.medianMs) : ''}</td>
                <td>{p.ok ? ms(p.p95Ms) : ''}</td>
                <td>{p.ok ? ms(p.firstRunMs) : ''}</td>
                <td>{p.ok ? count(Math.round(p.tokensPerSec)) : ''}</td>
                <td>
                  {p.ok
                    ? p.backend === 'webgpu'
                      ? `GPU peak ${bytesLabel(p.memory.gpuAllocatedPeakBytes ?? 0)}`
                      : p.memory.wasmHeapBytes
                        ? `WASM heap ${bytesLabel(p.memory.wasmHeapBytes)}`
                        : 'n/a'
                    : ''}
                </td>
                <td>{p.estimate ? `${bytesLabel(p.estimate.totalBytes)} (est.)` : ''}</td>
                <td className="provenance" data-testid="point-provenance">{provenanceLabel(p.provenance)}</td>
                <td>{p.ok ? `${p.samplesMs.length} runs` : `failed at ${count(p.contextLength)}: ${p.failure.kind} — ${p.failure.message}`}</td>
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
                      {p.ok && (
                        <>
                          <dt>timed runs (ms)</dt>
                          <dd>{p.samplesMs.map((x) => x.toFixed(1)).join(', ')}</dd>
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
