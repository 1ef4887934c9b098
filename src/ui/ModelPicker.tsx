import { useState } from 'react';
import { useStore } from '../state/store';
import type { ModelStatus } from '../state/runs';
import { TrainingCurve } from './TrainingCurve';
import type { Manifest } from '../catalog/manifest';
import { bytesLabel, count } from './format';
import { HubModelCard } from './HubPanel';
import { describeAttention, trainedLatents } from '../catalog/facts';

function Details({ m }: { m: Manifest }) {
  const [open, setOpen] = useState(false); // the training log is fetched only once the details are opened
  const t = m.training;
  const bpb = m.evaluation?.heldOutBitsPerByte.filter((e) => e.bpb !== null) ?? [];
  const copy = m.evaluation?.copyAccuracy.filter((c) => c.perByte !== null) ?? [];
  const mirror = m.evaluation?.mirroredCopyAccuracy ?? [];
  // "± half the 95% interval" where the evaluation has one (scripts/evaluate.ts)
  const pm = (e: { lo?: number; hi?: number }) => (e.lo !== undefined && e.hi !== undefined ? ` ± ${((e.hi - e.lo) / 2).toFixed(2)}` : '');
  const acc = (cs: { distance: number; perByte: number | null; lo?: number; hi?: number }[]) =>
    cs.map((c) => `${c.perByte?.toFixed(2)}${pm(c)} at ${count(c.distance)}`).join(', ');
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>details</summary>
      <p>
        <a href={m.paper.url} target="_blank" rel="noreferrer noopener">{m.paper.title}</a> ({m.paper.authors}, {m.paper.year})
      </p>
      <p>
        d={m.config.dModel}, heads={m.config.nHeads}, layers={m.config.nLayers}
        {trainedLatents(m) ? ` (+1 cross-attention), latents ${trainedLatents(m)}` : ''}
        {m.config.convKernel ? `, depthwise conv ${m.config.convKernel}` : ''}; {m.config.activation}, {m.config.norm}; positions: {m.config.positions}; attention:{' '}
        {describeAttention(m.config.attention)}; trained at{' '}
        {count(m.config.trainedContext)} bytes, limit {count(m.config.maxContext)} bytes; file {bytesLabel(m.graph.bytes)}
      </p>
      <p>
        {t
          ? `Trained ${count(t.steps)} steps${t.batchSize ? ` (batch ${t.batchSize}, crop ${t.crop})` : ''}${t.stages ? ` in stages: ${t.stages.map((s) => `${s.stage} ${count(s.steps)}`).join(', ')}` : ''} on ${t.data}: ${count(t.tokensSeen)} bytes seen, ${Math.round(t.wallSeconds)} s on ${t.device}; final train loss ${t.finalTrainLoss?.toFixed(3) ?? '—'} nats.`
          : 'Random weights (not trained): latency and memory only; its predictions mean nothing.'}
      </p>
      {open && t && <TrainingCurve m={m} />}
      {bpb.length > 0 && <p>Held-out bits/byte: {bpb.map((e) => `${e.bpb!.toFixed(2)}${pm(e)} at ${count(e.context)}`).join(', ')} (Brown, as run in the page; both texts, sliding windows and intervals: models/README.md).</p>}
      {copy.length > 0 && <p>Copy accuracy per byte by distance (chance 0.01): {acc(copy)}.</p>}
      {mirror.length > 0 && <p>Mirrored copy (the paper's task), accuracy per byte by distance (chance 0.01): {acc(mirror)}.</p>}
      {m.simplifications.length > 0 && (
        <>
          <p>Simplified from the paper:</p>
          <ul>
            {m.simplifications.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}

/** A person's own model: what the page knows of it (read from the graph, or from its manifest), and Remove. */
function UserModelCard({ m }: { m: Manifest }) {
  const u = m.userModel!;
  const { removeUserModel } = useStore.getState();
  const io = (ts: Manifest['graph']['inputs']) => ts.map((t) => `${t.name} [${t.dims.join(', ')}]`).join(', ');
  return (
    <div className="small muted" data-testid={`user-card-${m.id}`}>
      <span className="tag">your model</span> {u.fileName}, {bytesLabel(m.graph.bytes)} · up to {count(m.config.maxContext)} tokens ·{' '}
      {u.byteLevel ? 'byte-level: predictions and timings' : `vocabulary ${count(m.config.vocabSize)}, not byte-level: latency and memory only`}
      {u.fromManifest ? ' · from its manifest' : ''} · {io(m.graph.inputs)} → {io(m.graph.outputs)}; kept in this browser, never uploaded{' '}
      <button onClick={() => removeUserModel(m.id)} data-testid={`remove-${m.id}`}>Remove</button>
    </div>
  );
}

/** Download progress while loading, then what really ran. */
function RunInfo({ id, st }: { id: string; st?: ModelStatus }) {
  const p = st?.progress;
  const loading = st?.busy && p && (p.loadedBytes < p.totalBytes || !st.loaded);
  return (
    <>
      {loading && (
        <div className="small muted" data-testid={`download-${id}`}>
          <progress max={p.totalBytes || 1} value={p.loadedBytes} aria-label={`download ${id}`} /> {p.fromCache ? 'from cache' : 'downloading'} {bytesLabel(p.loadedBytes)}
          {p.totalBytes ? ` of ${bytesLabel(p.totalBytes)}` : ''}
        </div>
      )}
      {st?.loaded && (
        <div className="muted small" data-testid={`ran-${id}`}>
          ran on {st.loaded.backend}
          {st.loaded.backend === 'wasm'
            ? `, ${st.loaded.wasmThreads} thread${st.loaded.wasmThreads > 1 ? 's' : ''}${st.loaded.crossOriginIsolated ? '' : ' (page not cross-origin isolated)'}`
            : ` (${st.loaded.webgpuImpl ?? 'webgpu'} EP)`}
          ; session {Math.round(st.loaded.loadMs)} ms{st.loaded.warmMs !== undefined ? `, first forward (warm-up) ${Math.round(st.loaded.warmMs)} ms` : ''}
        </div>
      )}
    </>
  );
}

export function ModelPicker() {
  const manifests = useStore((s) => s.manifests);
  const selected = useStore((s) => s.selected);
  const status = useStore((s) => s.status);
  const { toggleModel } = useStore.getState();
  return (
    <section className="panel models" aria-label="Models">
      <h2>Models</h2>
      {!manifests.length && <p className="muted small">Reading the bundled models…</p>}
      {manifests.map((m) => (
        <div key={m.id} className="model" data-testid={`model-${m.id}`}>
          <label>
            <input type="checkbox" checked={selected.includes(m.id)} onChange={() => toggleModel(m.id)} data-testid={`pick-${m.id}`} /> <b>{m.displayName}</b>
          </label>
          {m.hub ? (
            <HubModelCard m={m} />
          ) : m.userModel ? (
            <UserModelCard m={m} />
          ) : (
            <div className="small muted">
              <span className="tag">{m.familyName}</span> <span className="tag">{m.size}</span> {count(m.parameters)} params · up to {count(m.config.maxContext)} bytes
              {m.training ? '' : ' · untrained'}
            </div>
          )}
          <RunInfo id={m.id} st={status[m.id]} />
          {!m.userModel && !m.hub && <Details m={m} />}
        </div>
      ))}
    </section>
  );
}
