import { useRef, useState } from 'react';
import { useStore } from '../state/store';
import { sampleByte } from './sampling';

const MAX_BYTES = 80;

/** Samples a continuation byte by byte. There is no KV cache: each byte re-runs the whole model on the window. */
export function ContinueBox({ id }: { id: string }) {
  const [out, setOut] = useState('');
  const [note, setNote] = useState('');
  const [running, setRunning] = useState(false);
  const [temperature, setTemperature] = useState(0.8);
  const [k, setK] = useState(5);
  const stop = useRef(false);
  const go = async () => {
    const { engine, bytes, context, latents, manifests } = useStore.getState();
    // A "prefix" model (positions from the first byte) must see the whole input to predict the byte after its end.
    const prefix = manifests.find((m) => m.id === id)?.config.window === 'prefix';
    if (!engine || !bytes.length) return;
    stop.current = false;
    setRunning(true);
    setOut('');
    setNote('');
    const input = new Uint8Array(bytes.length + MAX_BYTES);
    input.set(bytes);
    let len = bytes.length;
    const t0 = performance.now();
    try {
      for (let i = 0; i < MAX_BYTES && !stop.current; i++) {
        const p = await engine.predict(id, input.subarray(0, len), prefix ? len : context, latents);
        if (p.contextLength < len && prefix) throw new Error(`this model reads the first ${p.contextLength.toLocaleString('en-US')} bytes only: the input is longer`);
        input[len++] = sampleByte(p.nextTop, temperature, k);
        setOut(new TextDecoder().decode(input.subarray(bytes.length, len)));
        setNote(`${len - bytes.length} bytes, ${((performance.now() - t0) / (len - bytes.length)).toFixed(0)} ms per byte (window ${p.contextLength.toLocaleString('en-US')} bytes)`);
      }
    } catch (e) {
      setNote((n) => `${n} — stopped: ${(e as Error).message}`);
    } finally {
      setRunning(false);
    }
  };
  return (
    <div className="continue small">
      <button onClick={running ? () => (stop.current = true) : go} data-testid={`continue-${id}`}>{running ? 'Stop' : 'Continue'}</button>{' '}
      <label>
        temperature <input type="number" min={0} max={2} step={0.1} value={temperature} onChange={(e) => setTemperature(Math.max(0, Number(e.target.value)))} />
      </label>{' '}
      <label>
        top-k <input type="number" min={1} max={5} value={k} onChange={(e) => setK(Math.max(1, Math.min(5, Number(e.target.value) || 1)))} />
      </label>
      <span className="muted"> Samples up to {MAX_BYTES} bytes; re-runs the full model per byte on the growing window (no KV cache).</span>
      {(out || note) && (
        <>
          <pre className="continuation" data-testid={`continuation-${id}`}>{out}</pre>
          <span className="muted">{note}</span>
        </>
      )}
    </div>
  );
}
