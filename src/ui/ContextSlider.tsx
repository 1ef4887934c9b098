import { useEffect, useRef } from 'react';
import { decodingLimit, hasCachedDecoding } from '../engine';
import { maxSliderContext, MIN_CONTEXT, selectedManifests } from '../state/selectors';
import { useStore } from '../state/store';
import { count } from './format';
import { takesLatents, trainedLatents } from '../catalog/facts';

const SETTLE_MS = 400; // the models re-run once the slider has rested this long
const STEP = 0.25; // in log2(N): four stops per doubling, so 256, 304, 362, 431, 512, …

/** Log-scale slider over [256, longest limit among the selected models]; models re-run when it settles. */
export function ContextSlider() {
  const context = useStore((s) => s.context);
  const max = useStore(maxSliderContext);
  const latents = useStore((s) => s.latents);
  const perceiver = useStore((s) => selectedManifests(s).find(takesLatents));
  const hub = useStore((s) => selectedManifests(s).some((m) => m.hub));
  const limits = useStore((s) => selectedManifests(s).filter((m) => m.config.maxContext < maxSliderContext(s)).map((m) => `${m.displayName} ${count(m.config.maxContext)}`).join(', '));
  const decodes = useStore((s) =>
    selectedManifests(s).filter((m) => hasCachedDecoding(m) && decodingLimit(m) > m.config.maxContext).map((m) => `${m.displayName} ${count(decodingLimit(m))}`).join(', '),
  );
  const { runPredictions, setContext, setLatents } = useStore.getState();
  const timer = useRef<number>(undefined);
  const lo = Math.log2(MIN_CONTEXT);
  const hi = Math.log2(max);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const rerunSoon = () => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(runPredictions, SETTLE_MS);
  };
  const onChange = (v: number) => {
    setContext(Math.round(2 ** v));
    rerunSoon();
  };
  return (
    <section className="slider" aria-label="Context length">
      <label htmlFor="ctx">
        Context length N: <b data-testid="context-value">{count(context)}</b> bytes{hub && <span data-testid="context-tokens"> (tokens for a Hub model)</span>}
      </label>
      <input
        id="ctx"
        type="range"
        data-testid="context-slider"
        min={lo}
        max={hi}
        step={STEP}
        value={Math.log2(Math.min(Math.max(context, MIN_CONTEXT), max))}
        onChange={(e) => onChange(Number(e.target.value))}
        aria-valuetext={`${context} bytes`}
      />
      <span className="muted small">
        {count(MIN_CONTEXT)} … {count(max)} (log scale)
      </span>
      {perceiver && (
        <label title="Perceiver AR attends from M latents to all N bytes: fewer latents, less compute; more latents, more positions predicted">
          Perceiver AR latents M{' '}
          <select
            data-testid="latents-select"
            value={latents ?? trainedLatents(perceiver)}
            onChange={(e) => {
              setLatents(Number(e.target.value));
              rerunSoon();
            }}
          >
            {perceiver.config.latentOptions?.map((m) => (
              <option key={m} value={m}>
                {m}
                {m === trainedLatents(perceiver) ? ' (trained)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <button className="primary" data-testid="run" onClick={runPredictions}>Run</button>
      {limits && (
        <p className="muted small full" data-testid="context-limits">
          Shorter limits (bytes): {limits}; those models read at most that and say so.
          {decodes && ` Continue (cached decoding) reads further: ${decodes}.`}
        </p>
      )}
    </section>
  );
}
