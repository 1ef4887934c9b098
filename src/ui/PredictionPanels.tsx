import { useState } from 'react';
import { useStore } from '../state/store';
import { SurprisalText } from './SurprisalText';
import { ContinueBox } from './ContinueBox';
import { count, ms } from './format';

export function PredictionPanels() {
  const selected = useStore((s) => s.selected);
  const status = useStore((s) => s.status);
  const bytes = useStore((s) => s.bytes);
  const manifests = useStore((s) => s.manifests);
  const [diffWith, setDiffWith] = useState<Record<string, string>>({});
  if (!selected.length) return <p className="muted">Pick one or more models.</p>;
  return (
    <section className="predictions" aria-label="Predictions">
      {selected.map((id) => {
        const st = status[id];
        const m = manifests.find((x) => x.id === id);
        const p = st?.prediction;
        const other = diffWith[id] ? status[diffWith[id]]?.prediction : undefined;
        return (
          <article key={id} className="panel prediction" data-testid={`prediction-${id}`}>
            <h3>{m?.displayName ?? id}</h3>
            {st?.busy && <p className="muted">running…</p>}
            {st?.error && (
              <p className="error" role="alert" data-testid={`error-${id}`}>{st.error}</p>
            )}
            {p && (
              <>
                <p className="small">
                  <b data-testid={`bpb-${id}`}>{p.bitsPerByte.toFixed(3)}</b> bits/byte over {count(p.surprisalBits.length)} scored bytes · window{' '}
                  <span data-testid={`window-${id}`}>{count(p.contextLength)}</span> bytes on {p.backend} · {ms(p.latencyMs)}
                  {p.numLatents ? ` · ${p.numLatents} latents (logits only for the last ${p.numLatents} bytes)` : ''}
                </p>
                {p.clippedReason && (
                  <p className="warn small" data-testid={`clipped-${id}`}>
                    Asked for {count(p.requestedContext)} bytes; used {count(p.contextLength)}: {p.clippedReason}.
                  </p>
                )}
                <label className="small">
                  diff against{' '}
                  <select value={diffWith[id] ?? ''} onChange={(e) => setDiffWith({ ...diffWith, [id]: e.target.value })}>
                    <option value="">— none (colour = surprisal) —</option>
                    {selected.filter((x) => x !== id).map((x) => (
                      <option key={x} value={x}>{x}</option>
                    ))}
                  </select>
                </label>
                <SurprisalText p={p} bytes={bytes} compare={other} />
                <ContinueBox id={id} />
              </>
            )}
          </article>
        );
      })}
    </section>
  );
}
