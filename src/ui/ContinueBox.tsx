import { useRef, useState } from 'react';
import { useStore } from '../state/store';
import type { TopByte } from '../engine/types';

function sample(top: TopByte[], temperature: number, k: number): number {
  const cands = top.slice(0, k);
  if (temperature <= 0) return cands[0].byte;
  const w = cands.map((t) => Math.pow(t.p, 1 / temperature));
  let r = Math.random() * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < cands.length; i++) if ((r -= w[i]) <= 0) return cands[i].byte;
  return cands[cands.length - 1].byte;
}

/** Samples a continuation byte by byte. There is no KV cache: each byte re-runs the whole model on the window. */
export function ContinueBox({ id }: { id: string }) {
  const [out, setOut] = useState('');
  const [running, setRunning] = useState(false);
  const [temperature, setTemperature] = useState(0.8);
  const [k, setK] = useState(5);
  const stop = useRef(false);
  const go = async () => {
    const { engine, bytes, context, latents } = useStore.getState();
    if (!engine) return;
    stop.current = false;
    setRunning(true);
    setOut('');
    const generated: number[] = [];
    try {
      for (let i = 0; i < 80 && !stop.current; i++) {
        const input = new Uint8Array(bytes.length + generated.length);
        input.set(bytes);
        input.set(generated, bytes.length);
        const p = await engine.predict(id, input, context, latents);
        generated.push(sample(p.nextTop, temperature, k));
        setOut(new TextDecoder().decode(Uint8Array.from(generated)));
      }
    } catch (e) {
      setOut((o) => `${o}\n[stopped: ${(e as Error).message}]`);
    } finally {
      setRunning(false);
    }
  };
  return (
    <div className="continue small">
      <button onClick={running ? () => (stop.current = true) : go} data-testid={`continue-${id}`}>{running ? 'Stop' : 'Continue'}</button>{' '}
      <label>T <input type="number" min={0} max={2} step={0.1} value={temperature} onChange={(e) => setTemperature(Number(e.target.value))} /></label>{' '}
      <label>top-k <input type="number" min={1} max={5} value={k} onChange={(e) => setK(Math.max(1, Math.min(5, Number(e.target.value))))} /></label>
      <span className="muted"> re-runs the full model per byte (no KV cache), up to 80 bytes</span>
      {out && <pre className="continuation" data-testid={`continuation-${id}`}>{out}</pre>}
    </div>
  );
}
