import { clearPoints, runSweep, setSweepBackends, setSweepMax, stopSweep, useStore } from '../state/store';
import { count } from './format';
import type { BackendName } from '../engine/types';

export function SweepPanel() {
  const sweeping = useStore((s) => s.sweeping);
  const progress = useStore((s) => s.sweepProgress);
  const backends = useStore((s) => s.sweepBackends);
  const upTo = useStore((s) => s.sweepContexts?.at(-1));
  const toggle = (b: BackendName) => setSweepBackends(backends.includes(b) ? backends.filter((x) => x !== b) : [...backends, b]);
  return (
    <section className="panel sweep" aria-label="Sweep">
      <h2>Sweep context length</h2>
      <p className="small muted">
        Every selected model at N = 256, 512, … up to the chosen N or its limit, each point in a fresh worker (no cache inherited); first run reported apart, then warm runs until 3 runs and 0.3 s. A model stops at its first failure.
      </p>
      <label>
        up to N{' '}
        <select value={upTo ?? 0} onChange={(e) => setSweepMax(Number(e.target.value) || undefined)} data-testid="sweep-max">
          <option value={0}>each model's limit</option>
          {[512, 1024, 2048, 4096, 8192, 16384, 32768, 65536].map((n) => (
            <option key={n} value={n}>{count(n)}</option>
          ))}
        </select>
      </label>{' '}
      <label><input type="checkbox" checked={backends.includes('wasm')} onChange={() => toggle('wasm')} /> WASM</label>{' '}
      <label><input type="checkbox" checked={backends.includes('webgpu')} onChange={() => toggle('webgpu')} data-testid="sweep-webgpu" /> WebGPU</label>{' '}
      {sweeping ? (
        <button onClick={stopSweep} data-testid="sweep-stop">Stop</button>
      ) : (
        <button className="primary" onClick={runSweep} data-testid="sweep-run" disabled={!backends.length}>Run sweep</button>
      )}{' '}
      <button onClick={clearPoints} disabled={sweeping}>Clear results</button>
      {progress && progress.total > 0 && (
        <div className="small">
          <progress max={progress.total} value={progress.done} data-testid="sweep-progress" /> {progress.done}/{progress.total}
          {sweeping && progress.current ? ` — last: ${progress.current.modelId} on ${progress.current.backend} at ${progress.current.contextLength}` : ''}
        </div>
      )}
    </section>
  );
}
