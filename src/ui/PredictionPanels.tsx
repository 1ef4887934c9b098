import { useState } from 'react';
import type { Manifest } from '../catalog/manifest';
import { isStale, type ModelStatus } from '../state/runs';
import { useStore } from '../state/store';
import { AttentionView } from './AttentionView';
import { ContinueBox } from './ContinueBox';
import { FailureMessage } from './FailureMessage';
import { bytesLabel, count, ms } from './format';
import { Info } from './Info';
import { isUntrained, UntrainedTag } from './modelTags';
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
          ; session {ms(st.loaded.loadMs)}
          {st.loaded.warmMs !== undefined ? `, first forward (warm-up) ${ms(st.loaded.warmMs)}` : ''}
        </div>
      )}
    </>
  );
}

/** What a reader would otherwise not know about these numbers: past the training length, random weights. */
function Caveats({ m, n, id }: { m?: Manifest; n: number; id: string }) {
  if (!m || m.userModel || m.hub) return null;
  return (
    <>
      {isUntrained(m) && (
        <p className="warn small" data-testid={`untrained-note-${id}`}>
          Random weights (never trained): these bits per byte and guesses mean nothing; its time and memory are real.
        </p>
      )}
      {m.training && n > m.config.trainedContext && (
        <p className="warn small" data-testid={`past-training-${id}`}>
          N = {count(n)} is past the {count(m.config.trainedContext)} bytes it was trained on: it reads positions it never saw in training, so its bits per
          byte here are not its trained quality (compare it at N ≤ {count(m.config.trainedContext)}).
        </p>
      )}
    </>
  );
}

function PredictionPanel({ id, others, diffWith, setDiffWith }: { id: string; others: string[]; diffWith: string; setDiffWith: (id: string) => void }) {
  const st: ModelStatus | undefined = useStore((s) => s.status[id]);
  const m = useStore((s) => s.manifests.find((x) => x.id === id));
  const stale = useStore((s) => isStale(s, id));
  const otherSt: ModelStatus | undefined = useStore((s) => (diffWith ? s.status[diffWith] : undefined));
  const p = st?.prediction;
  const run = useStore((s) => p && s.singles.find((r) => r.modelId === id && r.backend === p.backend && r.contextLength === p.contextLength && r.numLatents === p.numLatents));
  const sameInput = otherSt?.prediction && otherSt.predictedOn === st?.predictedOn;
  const compare = sameInput && !otherSt!.prediction!.tokens ? otherSt!.prediction : undefined; // per byte: a Hub model's tokens do not line up
  const summary = p && compare ? diffSummary(p, compare) : undefined;
  return (
    <article className="panel prediction" data-testid={`prediction-${id}`} aria-busy={!!st?.busy}>
      <h3>
        {m?.displayName ?? id} <UntrainedTag m={m} />{' '}
        <Info testId={`prediction-info-${id}`}>
          Surprisal of each byte in bits (−log₂ of the probability the model gave the byte that came), averaged over the bytes it scored: a decoder
          scores every byte of its window after the first, Perceiver AR only the bytes its latents cover (the last M − 1). The side-by-side table
          above compares all models over the same bytes. Colour: surprisal, pale green (expected) to red (surprising); diff: blue where this model was
          less surprised than the other, red where more. The window is the last N bytes of the input (a model trained on the copy task: the first N).
        </Info>
      </h3>
      <RunInfo id={id} st={st} />
      {st?.busy && <p className="muted small" data-testid={`busy-${id}`}>running…</p>}
      {st?.error && (
        <FailureMessage
          message={st.error}
          kind={st.errorKind}
          testId={`error-${id}`}
          prefix={st.errorKind === 'invalid-model' ? 'This model could not be loaded: ' : st.refusedAt ? 'Not run: ' : ''}
          suffix={p ? ' The result below is from an earlier run.' : ''}
        />
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
            <b data-testid={`bpb-${id}`}>{p.bitsPerByte.toFixed(3)}</b> bits/byte over its {count(p.surprisalBits.length)} scored bytes · window{' '}
            <span data-testid={`window-${id}`}>{count(p.contextLength)}</span> bytes
            {m?.config.window === 'prefix' ? <span data-testid={`prefix-${id}`}> (the FIRST bytes of the input: its positions count from the first byte)</span> : ''} on {p.backend} ·{' '}
            <span title={run?.first ? 'the first run at this N: it includes allocating for the new shape' : 'one run, not a median: the sweep measures medians'}>
              {ms(p.latencyMs)} ({run?.first ? 'one run, the first at this N' : 'one run'})
            </span>
            {p.numLatents ? ` · ${p.numLatents} latents (logits only for the last ${p.numLatents} bytes)` : ''}
          </p>
          {p.clippedReason && (
            <p className="warn small" data-testid={`clipped-${id}`}>
              Asked for {count(p.requestedContext)} bytes; used {count(p.contextLength)}: {p.clippedReason}.
            </p>
          )}
          <Caveats m={m} n={p.contextLength} id={id} />
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
          {p.contextLength - p.scoredStart > SHOWN && <p className="muted small">Last {count(SHOWN)} of {count(p.contextLength)} bytes shown.</p>}
          <SurprisalText id={id} p={p} bytes={st.predictedOn} compare={compare} />
          {m?.attentionGraph && <AttentionView m={m} p={p} bytes={st.predictedOn} />}
          <ContinueBox id={id} />
        </>
      )}
    </article>
  );
}
