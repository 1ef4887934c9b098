import { useState } from 'react';
import { isStale, type ModelStatus } from '../state/runs';
import { useStore } from '../state/store';
import { AttentionView } from './AttentionView';
import { ContinueBox } from './ContinueBox';
import { count, ms } from './format';
import { SHOWN, SurprisalText } from './SurprisalText';
import { TokenSurprisal } from './TokenSurprisal';
import { diffSummary } from './surprisalDiff';

/** One panel per selected model, side by side: bits per byte, the window used, the coloured text. */
export function PredictionPanels() {
  const selected = useStore((s) => s.selected);
  const [diffWith, setDiffWith] = useState<Record<string, string>>({});
  if (!selected.length) return <p className="muted">Pick one or more models.</p>;
  return (
    <section className="predictions" aria-label="Predictions">
      {selected.map((id) => (
        <PredictionPanel key={id} id={id} others={selected.filter((x) => x !== id)} diffWith={diffWith[id] ?? ''} setDiffWith={(o) => setDiffWith({ ...diffWith, [id]: o })} />
      ))}
    </section>
  );
}

function PredictionPanel({ id, others, diffWith, setDiffWith }: { id: string; others: string[]; diffWith: string; setDiffWith: (id: string) => void }) {
  const st: ModelStatus | undefined = useStore((s) => s.status[id]);
  const m = useStore((s) => s.manifests.find((x) => x.id === id));
  const stale = useStore((s) => isStale(s, id));
  const otherSt: ModelStatus | undefined = useStore((s) => (diffWith ? s.status[diffWith] : undefined));
  const p = st?.prediction;
  const sameInput = otherSt?.prediction && otherSt.predictedOn === st?.predictedOn;
  const compare = sameInput && !otherSt!.prediction!.tokens ? otherSt!.prediction : undefined; // per byte: a Hub model's tokens do not line up
  const summary = p && compare ? diffSummary(p, compare) : undefined;
  return (
    <article className="panel prediction" data-testid={`prediction-${id}`} aria-busy={!!st?.busy}>
      <h3>{m?.displayName ?? id}</h3>
      {st?.busy && <p className="muted small" data-testid={`busy-${id}`}>running…</p>}
      {st?.error && (
        <p className="error" role="alert" data-testid={`error-${id}`}>
          {st.errorKind === 'invalid-model' ? 'This model could not be loaded: ' : ''}
          {st.error}
          {p ? ' The result below is from an earlier run.' : ''}
        </p>
      )}
      {!p && !st?.busy && !st?.error && <p className="muted small">Not run yet: press Run or move the slider.</p>}
      {p?.tokens && st?.predictedOn && (
        <>
          <p className="small">
            <b data-testid={`bpb-${id}`}>{p.bitsPerByte.toFixed(3)}</b> bits/byte, <span data-testid={`bpt-${id}`}>{p.tokens.bitsPerToken.toFixed(3)}</span> bits/token over{' '}
            {count(p.surprisalBits.length)} scored tokens · window <span data-testid={`window-${id}`}>{count(p.contextLength)}</span> tokens (
            {count(p.tokens.bytes.reduce((a, b) => a + b, 0))} bytes) on {p.backend} · {ms(p.latencyMs)}
          </p>
          {p.clippedReason && (
            <p className="warn small" data-testid={`clipped-${id}`}>
              Asked for {count(p.requestedContext)} tokens; used {count(p.contextLength)}: {p.clippedReason}.
            </p>
          )}
          {stale && !st.busy && <p className="muted small" data-testid={`stale-${id}`}>The input or N changed since this run: press Run to update.</p>}
          <TokenSurprisal id={id} p={p} />
          <ContinueBox id={id} />
        </>
      )}
      {p && !p.tokens && st?.predictedOn && (
        <>
          <p className="small">
            <b data-testid={`bpb-${id}`}>{p.bitsPerByte.toFixed(3)}</b> bits/byte over {count(p.surprisalBits.length)} scored bytes · window{' '}
            <span data-testid={`window-${id}`}>{count(p.contextLength)}</span> bytes
            {m?.config.window === 'prefix' ? <span data-testid={`prefix-${id}`}> (the FIRST bytes of the input: its positions count from the first byte)</span> : ''} on {p.backend} · {ms(p.latencyMs)}
            {p.numLatents ? ` · ${p.numLatents} latents (logits only for the last ${p.numLatents} bytes)` : ''}
          </p>
          {p.clippedReason && (
            <p className="warn small" data-testid={`clipped-${id}`}>
              Asked for {count(p.requestedContext)} bytes; used {count(p.contextLength)}: {p.clippedReason}.
            </p>
          )}
          {stale && !st.busy && <p className="muted small" data-testid={`stale-${id}`}>The input or N changed since this run: press Run to update.</p>}
          {others.length > 0 && (
            <label className="small">
              diff against{' '}
              <select value={diffWith} onChange={(e) => setDiffWith(e.target.value)} data-testid={`diff-${id}`}>
                <option value="">— none (colour = surprisal) —</option>
                {others.map((x) => (
                  <option key={x} value={x}>{x}</option>
                ))}
              </select>
            </label>
          )}
          {diffWith && !compare && <p className="muted small">Run both models on the same input to compare them.</p>}
          {summary && (
            <p className="small" data-testid={`diff-summary-${id}`}>
              Over the {count(summary.bytes)} bytes both scored: this model {summary.bitsA.toFixed(3)}, {diffWith} {summary.bitsB.toFixed(3)} bits/byte (
              {summary.bitsA <= summary.bitsB ? 'this one' : 'the other'} is better by {Math.abs(summary.bitsA - summary.bitsB).toFixed(3)}). Blue: this model
              less surprised; red: more.
            </p>
          )}
          <p className="muted small">
            {p.contextLength - p.scoredStart > SHOWN ? `Last ${count(SHOWN)} of ${count(p.contextLength)} bytes shown. ` : ''}
            Colour: {compare ? 'per-byte surprisal difference' : 'surprisal, pale green (expected) to red (surprising)'}.
          </p>
          <SurprisalText id={id} p={p} bytes={st.predictedOn} compare={compare} />
          {m?.attentionGraph && <AttentionView m={m} p={p} bytes={st.predictedOn} />}
          <ContinueBox id={id} />
        </>
      )}
    </article>
  );
}
