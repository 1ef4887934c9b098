import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { estimate } from '../catalog/costModel';
import type { BackendName } from '../engine';
import type { ProfileResult } from '../state/points';
import { useStore } from '../state/store';
import { download } from './download';
import { count, ms, shortN } from './format';
import { BETWEEN, SEGMENTS, profilesCsv, profilesJson, stackedRows } from './profileData';
import { Info } from './Info';
import { EP_LABEL } from './provenanceText';

const CHOICES = [256, 1024, 4096, 8192, 16384, 65536, 131072, 262144];
const SEGMENT_COLORS = ['#d62728', '#ff7f0e', '#9467bd', '#1f77b4', '#2ca02c', '#8c564b', '#7f7f7f', '#dddddd'];
const keyOf = (p: ProfileResult) => `${p.modelId}|${p.backend}|${p.contextLength}|${p.numLatents ?? ''}`;

function ModelChart({ name, rows }: { name: string; rows: ReturnType<typeof stackedRows> extends Map<string, infer R> ? R : never }) {
  return (
    <figure className="panel chart" data-testid="profile-chart">
      <figcaption>
        <b>{name}</b>
        <span className="muted small"> share of one window's wall time by operator category, against context N</span>
      </figcaption>
      <ResponsiveContainer width="100%" height={250}>
        <BarChart data={rows} margin={{ left: 10, right: 16, top: 8, bottom: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="n" tickFormatter={(n) => shortN(Number(n))} fontSize={11} label={{ value: 'context N (bytes)', position: 'insideBottom', offset: -10, fontSize: 11, fill: '#687083' }} />
          <YAxis
            domain={[0, 100]}
            ticks={[0, 25, 50, 75, 100]}
            tickFormatter={(v) => `${v}%`}
            width={56}
            fontSize={11}
            label={{ value: 'share of the window', angle: -90, position: 'insideLeft', offset: 0, fontSize: 11, fill: '#687083', style: { textAnchor: 'middle' } }}
          />
          <Tooltip
            formatter={(v) => `${Number(v).toFixed(1)}%`}
            labelFormatter={(n, payload) => `N = ${count(Number(n))}, window ${ms(Number(payload?.[0]?.payload?.runMs ?? 0))}`}
          />
          <Legend layout="vertical" align="right" verticalAlign="middle" wrapperStyle={{ fontSize: 11, paddingLeft: 12, width: 210 }} />
          {SEGMENTS.map((s, i) => (
            <Bar key={s} dataKey={s} stackId="window" fill={SEGMENT_COLORS[i]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

function OperatorTable({ p }: { p: ProfileResult }) {
  return (
    <table className="results" data-testid="profile-ops">
      <thead>
        <tr>
          <th>operator</th>
          <th>type</th>
          <th>category</th>
          <th>ms per window</th>
          <th>share</th>
          <th>output</th>
        </tr>
      </thead>
      <tbody>
        {p.top.map((o) => (
          <tr key={o.name}>
            <td>{o.name}</td>
            <td>{o.opType}</td>
            <td>{o.category}</td>
            <td>{ms(o.ms)}</td>
            <td>{((100 * o.ms) / p.runMs).toFixed(1)}%</td>
            <td>{o.shape}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Per-operator profiles of the selected models against N, the backend's MatMul peak, exports. */
export function ProfilePanel() {
  const profiles = useStore((s) => s.profiles);
  const failures = useStore((s) => s.profileFailures);
  const contexts = useStore((s) => s.profileContexts);
  const backend = useStore((s) => s.profileBackend);
  const profiling = useStore((s) => s.profiling);
  const progress = useStore((s) => s.profileProgress);
  const peaks = useStore((s) => s.peaks);
  const manifests = useStore((s) => s.manifests);
  const gpu = useStore((s) => s.gpu);
  const { clearProfiles, measurePeak, runProfiles, setProfileBackend, setProfileContexts, stopProfiles } = useStore.getState();
  const [chosen, setChosen] = useState<string>();
  const rows = useMemo(() => stackedRows(profiles), [profiles]);
  const shown = profiles.find((p) => keyOf(p) === chosen) ?? profiles.at(-1);
  const peak = peaks.find((p) => p.backend === backend);
  const gflops = (p: ProfileResult) => {
    const m = manifests.find((x) => x.id === p.modelId);
    return m ? estimate(m, p.contextLength, p.numLatents).flops / p.runMs / 1e6 : undefined;
  };
  const toggle = (n: number) => setProfileContexts(contexts.includes(n) ? contexts.filter((x) => x !== n) : [...contexts, n]);
  return (
    <section className="panel profile" aria-label="Per-operator profile">
      <h2>
        Per-operator profile <span className="small muted">where the time of one forward goes, by operator</span>{' '}
        <Info testId="profile-info">
        onnxruntime's own timings of warm runs: each selected model at each N in a profiling worker of its own (timed runs elsewhere stay unprofiled);
        a first run and a warm-up, then two profiled windows, averaged. WASM: ORT's trace (<code>enableProfiling</code>); WebGPU: JSEP's GPU kernel
        timestamps (the native WebGPU EP has none). "{BETWEEN}" is the part of the window no operator accounts for (ORT's work between kernels,
        feeds, copying logits out): the tests hold it under 10% of the window plus 10 µs per kernel. GFLOP/s: the cost model's analytic FLOPs over
        the profiled window.
        </Info>
      </h2>
      <div className="row">
        <span>N:</span>
        {CHOICES.map((n) => (
          <label key={n}>
            <input type="checkbox" checked={contexts.includes(n)} onChange={() => toggle(n)} disabled={profiling} data-testid={`profile-n-${n}`} /> {shortN(n)}
          </label>
        ))}
        <select value={backend} onChange={(e) => setProfileBackend(e.target.value as BackendName)} disabled={profiling} data-testid="profile-backend">
          <option value="wasm">WASM</option>
          <option value="webgpu" disabled={gpu ? !gpu.available : false}>WebGPU (JSEP{gpu?.isFallbackAdapter ? ', software adapter' : ''})</option>
        </select>
        {profiling ? (
          <button onClick={stopProfiles} data-testid="profile-stop">Stop</button>
        ) : (
          <button className="primary" onClick={runProfiles} disabled={!contexts.length} data-testid="profile-run">Profile</button>
        )}
        <button onClick={clearProfiles} disabled={profiling || !profiles.length}>Clear</button>
        <button onClick={() => download('lcp-profiles.csv', new Blob([profilesCsv(profiles)], { type: 'text/csv' }))} disabled={!profiles.length} data-testid="profile-csv">Profiles CSV</button>
        <button onClick={() => download('lcp-profiles.json', new Blob([profilesJson(profiles)], { type: 'application/json' }))} disabled={!profiles.length} data-testid="profile-json">Profiles JSON</button>
      </div>
      <div className="row small">
        <button onClick={() => measurePeak(backend)} data-testid="peak-run">Measure MatMul peak</button>
        <span data-testid="peak">
          {peak === undefined
            ? 'a plain 1,024 x 1,024 MatMul graph on this backend: the reference for the GFLOP/s below'
            : peak.ok
              ? `MatMul peak on ${EP_LABEL[peak.provenance.ep]}${peak.provenance.wasmThreads ? ` ×${peak.provenance.wasmThreads}` : ''}: ${peak.gflops.toFixed(1)} GFLOP/s (n = ${count(peak.n)}, median ${ms(peak.medianMs)})`
              : `MatMul peak failed: ${peak.failure.message}`}
        </span>
      </div>
      {progress && progress.total > 0 && (
        <div className="small" role="status">
          <progress max={progress.total} value={progress.done} data-testid="profile-progress" /> {progress.done}/{progress.total} profiles
          {profiling && progress.current ? ` — profiling ${progress.current}` : ''}
        </div>
      )}
      {failures.map((f) => (
        <p key={`${f.modelId}|${f.contextLength}`} className="small warn" data-testid="profile-failure">
          {f.modelId} at {count(f.contextLength)} on {f.backend}: {f.failure.kind} — {f.failure.message}
        </p>
      ))}
      {[...rows].map(([name, r]) => (
        <ModelChart key={name} name={name} rows={r} />
      ))}
      {shown && (
        <>
          <label className="small">
            Slowest operators of{' '}
            <select value={keyOf(shown)} onChange={(e) => setChosen(e.target.value)} data-testid="profile-pick">
              {profiles.map((p) => (
                <option key={keyOf(p)} value={keyOf(p)}>
                  {p.modelId} at {count(p.contextLength)} ({EP_LABEL[p.provenance.ep]})
                </option>
              ))}
            </select>
          </label>
          <p className="small" data-testid="profile-summary">
            window {ms(shown.runMs)}, operators {ms(shown.opsMs)} over {count(shown.kernels)} kernels
            {gflops(shown) !== undefined ? `; ${gflops(shown)!.toFixed(2)} GFLOP/s achieved (analytic)` : ''}
            {peak?.ok && gflops(shown) !== undefined ? `, ${((100 * gflops(shown)!) / peak.gflops).toFixed(0)}% of the MatMul peak` : ''}; measured with {shown.provenance.browser},{' '}
            {EP_LABEL[shown.provenance.ep]}{shown.provenance.wasmThreads ? ` ×${shown.provenance.wasmThreads} threads` : ''}
          </p>
          <OperatorTable p={shown} />
        </>
      )}
    </section>
  );
}
