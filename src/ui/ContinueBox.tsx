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
      <span className="muted">{cache ? 'cached decoding (the step graph keeps its state)' : 'no cache: the whole window re-runs for every byte'}</span>
      {gen && (
        <>
          <pre className="continuation" data-testid={`continuation-${id}`}>{decode(gen.bytes)}</pre>
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
  const decodeText = r.msPerByte !== undefined && `then ${ms(r.msPerByte)} per byte (median ${ms(r.medianMs!)}, p95 ${ms(r.p95Ms!)}), ${r.bytesPerSec!.toFixed(1)} bytes/s`;
  return (
    <div className="muted" data-testid={`continue-result-${r.modelId}`}>
      <p>
        {count(r.bytes.length)} byte{r.bytes.length === 1 ? '' : 's'} on {r.backend}
        {threads}, {r.cached ? 'cached' : 'no cache'}:{' '}
        <span data-testid={`continue-prefill-${r.modelId}`}>
          {r.cached ? `prefill ${ms(r.prefillMs)} for the ${count(r.promptBytes)}-byte prompt (time to first byte)` : `first byte ${ms(r.prefillMs)} (one forward over the window)`}
        </span>
        {decodeText && (
          <>
            , <span data-testid={`continue-decode-${r.modelId}`}>{decodeText}</span>
          </>
        )}
        {r.cached ? '' : `; every byte re-ran the forward graph over the window (at most the last ${count(r.windowBytes!)} bytes)${r.numLatents ? ` with M = ${r.numLatents} latents` : ''}`}.
        {r.stateBytes !== undefined && ` State ${bytesLabel(r.stateBytes)} for ${count(r.capacity!)} positions (its tensors, exact)${r.stateOn === 'gpu' ? ', kept in GPU buffers' : r.backend === 'webgpu' ? ', uploaded every step' : ''}.`}
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
