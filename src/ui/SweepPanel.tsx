import { SWEEP_MEASURE } from '../state/sweep';
import { useStore } from '../state/store';
import { count } from './format';
import { Info } from './Info';
import type { BackendName } from '../engine';

export function SweepPanel() {
  const sweeping = useStore((s) => s.sweeping);
  const progress = useStore((s) => s.sweepProgress);
  const backends = useStore((s) => s.sweepBackends);
  const upTo = useStore((s) => s.sweepContexts?.at(-1));
  const gpu = useStore((s) => s.gpu);
  const decode = useStore((s) => s.sweepDecode);
  const { clearPoints, runSweep, setSweepBackends, setSweepDecode, setSweepMax, stopSweep } = useStore.getState();
  const toggle = (b: BackendName) => setSweepBackends(backends.includes(b) ? backends.filter((x) => x !== b) : [...backends, b]);
  return (
    <section className="panel sweep" aria-label="Sweep">
      <h2>
        Sweep context length{' '}
        <span className="small muted">medians over N for the charts and the table</span>{' '}
        <Info testId="sweep-info">
        Every selected model at N = 256, 512, … up to the chosen N or its own limit, each point in a fresh worker (no buffer cache inherited). The first run
        (shader compilation, allocation) is reported apart; then {SWEEP_MEASURE.warmupRuns} warm-up run, then timed runs until at least {SWEEP_MEASURE.minRuns} runs
        and {SWEEP_MEASURE.minTimeMs! / 1000} s. A model stops at its first failure (out of memory, over a device limit); points appear as they are measured. With cached decoding, each N
        also gets a fresh worker that prefills N − D bytes through the step graph and times D one-byte decode steps (D ≥ 32; for Perceiver AR whole
        refill periods, so a refill is included where N allows one); decoding goes on past the one-shot forward's limit, up to the step graph's capacity.
        </Info>
      </h2>
      <div className="row">
        <label>
          up to N{' '}
          <select value={upTo ?? 0} onChange={(e) => setSweepMax(Number(e.target.value) || undefined)} data-testid="sweep-max" disabled={sweeping}>
            <option value={0}>each model's limit</option>
            {[512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144].map((n) => (
              <option key={n} value={n}>{count(n)}</option>
            ))}
          </select>
        </label>
        <label title="At each N also a prefill and decode steps through the step graph; cached decoding goes past the one-shot forward's limit, up to the step graph's capacity">
          <input type="checkbox" checked={decode} onChange={(e) => setSweepDecode(e.target.checked)} disabled={sweeping} data-testid="sweep-decode" /> cached decoding too
        </label>
        <label><input type="checkbox" checked={backends.includes('wasm')} onChange={() => toggle('wasm')} disabled={sweeping} data-testid="sweep-wasm" /> WASM</label>
        <label title={gpu?.isFallbackAdapter ? 'This adapter is a software fallback: WebGPU timings here measure the CPU emulating a GPU' : undefined}>
          <input type="checkbox" checked={backends.includes('webgpu')} onChange={() => toggle('webgpu')} disabled={sweeping || gpu?.available === false} data-testid="sweep-webgpu" /> WebGPU
          {gpu?.isFallbackAdapter ? ' (software)' : ''}
        </label>
        {sweeping ? (
          <button onClick={stopSweep} data-testid="sweep-stop">Stop</button>
        ) : (
          <button className="primary" onClick={() => runSweep()} data-testid="sweep-run" disabled={!backends.length}>Run sweep</button>
        )}
        <button onClick={clearPoints} disabled={sweeping} data-testid="sweep-clear">Clear results</button>
      </div>
      {progress && progress.total > 0 && (
        <div className="small" role="status">
          <progress max={progress.total} value={progress.done} data-testid="sweep-progress" /> {progress.done}/{progress.total} points
          {sweeping && progress.current ? ` — last measured: ${progress.current.modelId} on ${progress.current.backend} at N = ${count(progress.current.contextLength)}` : ''}
        </div>
      )}
    </section>
  );
}
