import { useShallow } from 'zustand/react/shallow';
import { defaultRefill, uncapturable } from '../engine';
import { selectedManifests } from '../state/selectors';
import { useStore } from '../state/store';
import { Info } from './Info';
import { cacheLatents, takesLatents } from '../catalog/facts';

/** Continue's settings, for every model (they travel in share links). */
export function GenerationSettings() {
  const g = useStore((s) => s.generation);
  const { setGeneration } = useStore.getState();
  const latents = useStore((s) => s.latents);
  const backend = useStore((s) => s.backend);
  const perceiver = useStore((s) => selectedManifests(s).find((m) => takesLatents(m) && m.step));
  const selected = useStore(useShallow(selectedManifests));
  const notCaptured = g.gpuState === 'captured' ? selected.filter((m) => !m.hub && uncapturable(m)) : [];
  const M = perceiver && (cacheLatents(perceiver, latents ?? undefined) ?? 0);
  const num = (v: string, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(Number(v) || lo)));
  return (
    <section className="panel generation small" aria-label="Continue settings">
      <div className="row">
        <b>Continue settings</b>
        <Info testId="generation-info">
          Generation runs inside each model's worker and streams bytes in. With the cache, the prompt (the window the model reads: the last N bytes) is
          read once in chunks through the model's step graph (prefill), then each byte is one cheap step on the saved keys and values; untick it to re-run
          the whole window for every byte and see the difference. Temperature 0 is greedy; a seed gives the same bytes again.
        </Info>
        <label>
          bytes <input type="number" min={1} max={4096} value={g.maxBytes} onChange={(e) => setGeneration({ maxBytes: num(e.target.value, 1, 4096) })} data-testid="gen-max-bytes" />
        </label>
        <label title="0: greedy, always the most likely byte">
          temperature{' '}
          <input type="number" min={0} max={2} step={0.1} value={g.temperature} onChange={(e) => setGeneration({ temperature: Math.min(2, Math.max(0, Number(e.target.value) || 0)) })} data-testid="gen-temperature" />
        </label>
        <label>
          top-k <input type="number" min={1} max={256} value={g.topK} onChange={(e) => setGeneration({ topK: num(e.target.value, 1, 256) })} data-testid="gen-topk" />
        </label>
        <label>
          seed <input type="number" min={0} value={g.seed} onChange={(e) => setGeneration({ seed: num(e.target.value, 0, 2 ** 32 - 1) })} data-testid="gen-seed" />
        </label>
        {perceiver && M ? (
          <label title="Perceiver AR: when the latent cache holds M latents, one forward refills it to F">
            refill F{' '}
            <input
              type="number"
              min={1}
              max={M}
              placeholder={String(defaultRefill(perceiver.step!, M))}
              value={g.refill ?? ''}
              onChange={(e) => setGeneration({ refill: e.target.value === '' ? undefined : num(e.target.value, 1, 65536) })}
              data-testid="gen-refill"
            />{' '}
            of M = {M}
          </label>
        ) : null}
        <label>
          <input type="checkbox" checked={g.cache} onChange={(e) => setGeneration({ cache: e.target.checked })} data-testid="gen-cache" /> cache
        </label>
        {backend === 'webgpu' && g.cache ? (
          <label title="WebGPU: keep the keys and values in GPU buffers for the whole generation, or keep them in JavaScript and upload them every step (as WASM feeds them), or keep them on the GPU and replay each step from a captured graph (no per-kernel work on the CPU; the step reads the state at its capacity); run them in turn to see them side by side">
            state{' '}
            <select value={g.gpuState ?? 'gpu'} onChange={(e) => setGeneration({ gpuState: e.target.value === 'gpu' ? undefined : (e.target.value as 'uploaded' | 'captured') })} data-testid="gen-gpu-state">
              <option value="gpu">on the GPU</option>
              <option value="uploaded">uploaded every step</option>
              <option value="captured">on the GPU, steps captured</option>
            </select>
          </label>
        ) : null}
        {backend === 'webgpu' && g.cache && notCaptured.length ? (
          <span className="note" data-testid="gen-not-captured">
            Not captured (their state stays on the GPU): {notCaptured.map((m) => `${m.id}: ${uncapturable(m)}`).join('; ')}.
          </span>
        ) : null}
      </div>
    </section>
  );
}
