import type { Manifest } from '../catalog/manifest';
import { decode, type GenerateResult } from '../engine';
import { useStore } from '../state/store';
import { bytesLabel, count, ms } from './format';

/**
 * Continue: samples a continuation of what the model reads, inside its worker, streamed byte by byte. With the cache
 * the step graph keeps its state (one prefill, then a cheap step per byte); without, the forward graph re-runs the
 * whole window for every byte.
 */
export function ContinueBox({ id }: { id: string }) {
  const gen = useStore((s) => s.generations[id]);
  const m = useStore((s) => s.manifests.find((x) => x.id === id));
  const cache = useStore((s) => s.generation.cache);
  const running = !!gen?.running;
  const { startGeneration, stopGeneration } = useStore.getState();
  return (
    <div className="continue small" data-testid={`continue-box-${id}`}>
      <button onClick={() => (running ? stopGeneration(id) : startGeneration(id))} data-testid={`continue-${id}`}>{running ? 'Stop' : 'Continue'}</button>{' '}
      <span className="muted">
        {cache ? (m?.hub ? 'cached decoding (its own past_key_values, fed back)' : 'cached decoding (the step graph keeps its state)') : `no cache: the whole window re-runs for every ${m?.hub ? 'token' : 'byte'}`}
      </span>
      {gen && (
        <>
          <pre className="continuation" data-testid={`continuation-${id}`}>{decode(gen.bytes)}</pre>
          {m && !m.userModel && !m.hub && m.parameters < 10_000_000 && (
            <p className="muted" data-testid={`gibberish-${id}`}>
              {m.training
                ? `A model this small (${(m.parameters / 1e6).toFixed(1)} M parameters, trained ${Math.round(m.training.wallSeconds / 60)} minutes on ${m.training.device.split(',')[0]}) writes word-shaped gibberish: Continue shows how fast it decodes, not how well it writes.`
                : 'Random weights: these bytes are noise; Continue shows how fast it decodes.'}
            </p>
          )}
          {running && (
            <span className="muted" data-testid={`continue-live-${id}`}>
              {count(gen.bytes.length)} bytes{gen.liveBytesPerSec ? ` · ${gen.liveBytesPerSec.toFixed(1)} bytes/s` : gen.cached ? ` · prefill of ${count(gen.promptBytes)} bytes…` : ''}
            </span>
          )}
          {gen.result && m && <Summary r={gen.result} m={m} />}
          {gen.error && (
            <p className="error" role="alert" data-testid={`continue-error-${id}`}>
              {gen.error}
              {gen.bytes.length ? ` The ${count(gen.bytes.length)} bytes above came before it.` : ''}
            </p>
          )}
        </>
      )}
    </div>
  );
}

/** What the run measured: prefill against decode, the state, and for Perceiver AR its refills and what they trade. */
function Summary({ r, m }: { r: GenerateResult; m: Manifest }) {
  const threads = r.backend === 'wasm' ? ` ×${r.wasmThreads} threads` : '';
  const heap = r.memory && (r.backend === 'webgpu' ? r.memory.gpuAllocatedPeakBytes && `GPU buffers ${bytesLabel(r.memory.gpuAllocatedPeakBytes)}` : r.memory.wasmHeapBytes && `WASM heap ${bytesLabel(r.memory.wasmHeapBytes)}`);
  const unit = m.hub ? 'token' : 'byte'; // a Hub decoder generates tokens (the text shows their bytes)
  const made = r.tokens?.length ?? r.bytes.length;
  // the mean (what a byte costs on average, refills included) and the median step are different figures: said apart
  const decodeText =
    r.msPerByte !== undefined &&
    `then ${ms(r.msPerByte)} per ${unit} on average${r.refills ? ' (refills included)' : ''}, ${r.bytesPerSec!.toFixed(1)} ${unit}s/s; a typical step (median) ${ms(r.medianMs!)}, p95 ${ms(r.p95Ms!)}`;
  return (
    <div className="muted" data-testid={`continue-result-${r.modelId}`}>
      <p>
        {count(made)} {unit}
        {made === 1 ? '' : 's'} on {r.backend}
        {threads}, {r.cached ? 'cached' : 'no cache'}:{' '}
        <span data-testid={`continue-prefill-${r.modelId}`}>
          {r.cached ? `prefill ${ms(r.prefillMs)} for the ${count(r.promptBytes)}-${unit} prompt (time to first ${unit})` : `first ${unit} ${ms(r.prefillMs)} (one forward over the window)`}
        </span>
        {decodeText && (
          <>
            , <span data-testid={`continue-decode-${r.modelId}`}>{decodeText}</span>
          </>
        )}
        {r.cached ? '' : `; every ${unit} re-ran the forward graph over the window (at most the last ${count(r.windowBytes!)} ${unit}s)${r.numLatents ? ` with M = ${r.numLatents} latents` : ''}`}.
        {r.stateBytes !== undefined && ` ${m.hub ? 'Key-value cache' : 'State'} ${bytesLabel(r.stateBytes)} for ${count(r.capacity!)} positions (its tensors, exact)${r.stateOn === 'gpu' ? `, kept in GPU buffers${r.captured ? ', each step replayed from a captured graph (the state read at its capacity)' : ''}` : r.backend === 'webgpu' && !m.hub ? ', uploaded every step' : ''}.`}
        {heap && ` Measured at the end: ${heap}.`}
        {r.stopped && <span data-testid={`continue-stopped-${r.modelId}`}> {r.stopped[0].toUpperCase() + r.stopped.slice(1)}.</span>}
      </p>
      {r.cached && r.refillTo !== undefined && (
        <p data-testid={`continue-refills-${r.modelId}`}>
          Perceiver AR: M = {r.numLatents} latents, {r.refills} refill{r.refills === 1 ? '' : 's'} to F = {r.refillTo}. {m.step?.refill?.trades}
        </p>
      )}
    </div>
  );
}
