import { toggleModel, useStore } from '../state/store';
import type { Manifest } from '../catalog/manifest';
import { bytesLabel, count } from './format';

function Details({ m }: { m: Manifest }) {
  const t = m.training;
  const bpb = m.evaluation?.heldOutBitsPerByte.find((e) => e.bpb !== null);
  return (
    <details>
      <summary>details</summary>
      <p>
        <a href={m.paper.url} target="_blank" rel="noreferrer">{m.paper.title}</a> ({m.paper.authors}, {m.paper.year})
      </p>
      <p>
        d={m.config.dModel}, heads={m.config.nHeads}, layers={m.config.nLayers}
        {m.config.latents ? ` (+1 cross-attention), latents ${m.config.latents}` : ''}
        {m.config.segmentLength ? `, segment ${m.config.segmentLength}, memory ${m.config.memoryLength}` : ''}; {m.config.activation}, {m.config.norm}; positions: {m.config.positions}; limit {count(m.config.maxContext)} bytes; file {bytesLabel(m.graph.bytes)}
      </p>
      <p>
        {t
          ? `Trained ${count(t.steps)} steps, ${count(t.tokensSeen)} bytes seen, ${Math.round(t.wallSeconds)} s on ${t.device}; crop ${t.crop}; final train loss ${t.finalTrainLoss ?? '—'} nats.`
          : 'Random weights (not trained): latency and memory only.'}
        {bpb ? ` Held-out: ${bpb.bpb!.toFixed(2)} bits/byte at ${count(bpb.context)} bytes.` : ''}
      </p>
      <ul>
        {m.simplifications.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
    </details>
  );
}

export function ModelPicker() {
  const manifests = useStore((s) => s.manifests);
  const selected = useStore((s) => s.selected);
  const status = useStore((s) => s.status);
  return (
    <section className="panel models" aria-label="Models">
      <h2>Models</h2>
      {manifests.map((m) => {
        const st = status[m.id];
        return (
          <div key={m.id} className="model" data-testid={`model-${m.id}`}>
            <label>
              <input type="checkbox" checked={selected.includes(m.id)} onChange={() => toggleModel(m.id)} data-testid={`pick-${m.id}`} />{' '}
              <b>{m.displayName}</b> <span className="muted">{count(m.parameters)} params</span>
            </label>
            {st?.progress && st.progress.loadedBytes < st.progress.totalBytes && (
              <progress max={st.progress.totalBytes} value={st.progress.loadedBytes} aria-label={`download ${m.id}`} />
            )}
            {st?.loaded && (
              <div className="muted small" data-testid={`ran-${m.id}`}>
                ran on {st.loaded.backend}
                {st.loaded.backend === 'wasm' ? `, ${st.loaded.wasmThreads} thread${st.loaded.wasmThreads > 1 ? 's' : ''}` : ` (${st.loaded.webgpuImpl})`}
              </div>
            )}
            <Details m={m} />
          </div>
        );
      })}
    </section>
  );
}
