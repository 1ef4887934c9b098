import { Fragment, useEffect, useMemo, useState } from 'react';
import { showByte } from '../../engine';
import { recallPoints, sameParams, THIS_PAGE, type RecallCell } from '../../state/recallData';
import { useStore } from '../../state/store';
import type { Probe } from '../../tasks';
import { AttentionView } from '../AttentionView';
import { count } from '../format';

const text = (bytes: ArrayLike<number>) => Array.from(bytes, showByte).join('');
const CONTEXT = 80; // bytes shown either side of a planted span
const PAGE = 20; // probes listed before "show all"


/** The probes of one point: the expected answer and each model's, right or not; a probe opens to its details. */
export function ProbeView() {
  const settings = useStore((s) => s.recall);
  const cells = useStore((s) => s.recallCells);
  const selected = useStore((s) => s.selected);
  const points = useMemo(() => recallPoints(settings).filter((p) => cells.some((c) => c.task === p.task && sameParams(c.params, p.params))), [settings, cells]);
  const [at, setAt] = useState(0);
  const [open, setOpen] = useState<number>();
  const [all, setAll] = useState(false);
  const point = points[Math.min(at, points.length - 1)];
  const here = point ? cells.filter((c) => c.task === point.task && sameParams(c.params, point.params) && c.probes.length && selected.includes(c.modelId)) : [];
  const allSeeds = [...new Set(here.flatMap((c) => c.probes.map((p) => p.seed)))].sort((a, b) => a - b);
  const seeds = all ? allSeeds : allSeeds.slice(0, PAGE);
  if (!points.length) return null;
  const col = (c: RecallCell) => `${c.modelId}${c.source === THIS_PAGE ? '' : ` (${c.source})`}`;
  return (
    <section data-testid="probe-view">
      <div className="row small">
        <b>Probes</b>
        <label>
          at{' '}
          <select value={Math.min(at, points.length - 1)} onChange={(e) => (setAt(Number(e.target.value)), setOpen(undefined))} data-testid="probe-point">
            {points.map((p, i) => (
              <option key={i} value={i}>{Object.entries(p.params).map(([k, v]) => `${k} ${count(v)}`).join(', ')}</option>
            ))}
          </select>
        </label>
        <span className="muted">the answer each model predicts, byte by byte, given the true bytes before it (teacher forcing); ✓ when every byte is right</span>
      </div>
      <table className="results" data-testid="probe-table">
        <thead>
          <tr>
            <th />
            <th>seed</th>
            <th>expected</th>
            {here.map((c) => <th key={col(c)}>{col(c)}</th>)}
          </tr>
        </thead>
        <tbody>
          {seeds.map((seed) => {
            const expected = here.flatMap((c) => c.probes.filter((p) => p.seed === seed))[0]?.expected ?? [];
            return (
              <Fragment key={seed}>
                <tr data-testid="probe-row" data-seed={seed}>
                  <td>
                    <button className="disclose" aria-expanded={open === seed} aria-label="probe details" onClick={() => setOpen(open === seed ? undefined : seed)} data-testid="probe-toggle">
                      {open === seed ? '▾' : '▸'}
                    </button>
                  </td>
                  <td>{seed}</td>
                  <td><code data-testid="probe-expected">{text(expected)}</code></td>
                  {here.map((c) => {
                    const r = c.probes.find((p) => p.seed === seed);
                    return (
                      <td key={col(c)} data-testid="probe-answer" data-model={c.modelId} data-source={c.source}>
                        {r ? (
                          <>
                            <code>{text(r.predicted)}</code> {r.exact ? '✓' : '✗'}
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                    );
                  })}
                </tr>
                {open === seed && (
                  <tr className="point-details">
                    <td colSpan={3 + here.length}>
                      <ProbeDetails cells={here} seed={seed} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {allSeeds.length > seeds.length && (
        <button className="small" onClick={() => setAll(true)} data-testid="probe-all">
          show all {count(allSeeds.length)} probes
        </button>
      )}
    </section>
  );
}

/** A probe in full: the input around what was planted, the question at the end, each model's guesses, where it reads. */
function ProbeDetails({ cells, seed }: { cells: RecallCell[]; seed: number }) {
  const manifests = useStore((s) => s.manifests);
  const { recallProbe } = useStore.getState();
  const [probe, setProbe] = useState<Probe>();
  const [error, setError] = useState<string>();
  const { task, params } = cells[0];
  const key = JSON.stringify(params);
  useEffect(() => {
    recallProbe(task, JSON.parse(key), seed).then(setProbe, (e) => setError((e as Error).message));
  }, [task, key, seed, recallProbe]);
  if (error) return <p className="error small">{error}</p>;
  if (!probe) return <p className="muted small">making the probe…</p>;
  const first = Math.min(...probe.answers.map((a) => a.start));
  const asked = new Set(probe.answers.map((a) => text(probe.bytes.subarray(a.start - 2, a.start))));
  // MQAR: the pairs whose keys are asked; the needle: the needle
  const planted = (probe.planted ?? []).filter((p) => probe.task !== 'mqar' || asked.has(p.text.slice(0, 2))).slice(0, 4);
  const tail = Math.max(0, first - CONTEXT);
  return (
    <div className="probe-details small" data-testid="probe-details">
      {planted.map((p) => (
        <p key={p.start}>
          planted at byte {count(p.start)} ({count(probe.bytes.length - p.start)} bytes before the end):{' '}
          <code className="probe-text">
            {text(probe.bytes.subarray(Math.max(0, p.start - CONTEXT), p.start))}
            <mark>{text(probe.bytes.subarray(p.start, p.start + p.length))}</mark>
            {text(probe.bytes.subarray(p.start + p.length, p.start + p.length + CONTEXT))}
          </code>
        </p>
      ))}
      {probe.task === 'mirrored-copy' && <p>the answer copies the probe's first bytes, mirrored: <code>{text(probe.bytes.subarray(0, probe.bytes.length - first))}</code></p>}
      <p>
        the end of the probe ({count(probe.bytes.length)} bytes), answers marked:{' '}
        <code className="probe-text" data-testid="probe-tail">
          {tail > 0 ? '…' : ''}
          {Array.from(probe.bytes.subarray(tail), (b, i) => {
            const q = tail + i;
            const inAnswer = probe.answers.some((a) => q >= a.start && q < a.start + a.length);
            return inAnswer ? <mark key={q}>{showByte(b)}</mark> : showByte(b);
          })}
        </code>
      </p>
      {cells.map((c) => {
        const r = c.probes.find((p) => p.seed === seed);
        const m = manifests.find((x) => x.id === c.modelId);
        if (!r || !m) return null;
        return (
          <div key={`${c.source}|${c.modelId}`} className="probe-model">
            <p>
              <b>{c.modelId}</b>{c.source === THIS_PAGE ? '' : ` (${c.source})`}: predicted <code>{text(r.predicted)}</code> for <code>{text(r.expected)}</code> {r.exact ? '✓' : `✗ (${r.bytesRight} of ${r.expected.length} bytes right)`}, {r.ms.toFixed(1)} ms
            </p>
            {r.top && (
              <p className="muted" data-testid="probe-top">
                top guesses per answer byte:{' '}
                {r.top.map((t, i) => (
                  <span key={i} className="guess">
                    [{t.map((g) => `${showByte(g.byte)} ${(g.p * 100).toFixed(0)}%`).join(', ')}]
                  </span>
                ))}
              </p>
            )}
            {m.attentionGraph && c.mode === 'forward' ? (
              <AttentionView m={m} p={{ contextLength: probe.bytes.length, requestedContext: probe.bytes.length, numLatents: c.numLatents }} bytes={probe.bytes} query={first - 1} scope="probe-" />
            ) : (
              <p className="muted">
                Where it reads: {m.attentionGraph ? `not for a probe past its one-shot forward (${count(m.config.maxContext)} bytes), read by cached decoding` : 'this family has no analysis graph (its weights are not one softmax row)'}.
              </p>
            )}
          </div>
        );
      })}
    </div>
  );
}
