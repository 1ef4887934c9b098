import { useEffect, useRef, useState } from 'react';
import { choosePreset, loadFile, maxSelectedContext, setText, touchInput, useStore } from '../state/store';
import { count } from './format';

/** The textarea is uncontrolled: typing never re-renders the page; bytes are recomputed after a pause. */
export function InputPanel() {
  const text = useStore((s) => s.text);
  const bytes = useStore((s) => s.bytes.length);
  const inputError = useStore((s) => s.inputError);
  const limit = useStore(maxSelectedContext);
  const ref = useRef<HTMLTextAreaElement>(null);
  const timer = useRef<number>(undefined);
  const [distance, setDistance] = useState(1024);
  useEffect(() => {
    if (ref.current && ref.current.value !== text) ref.current.value = text;
  }, [text]);
  const onInput = () => {
    touchInput();
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setText(ref.current!.value), 250);
  };
  return (
    <section
      className="panel input"
      aria-label="Input"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        const f = e.dataTransfer.files[0];
        if (f) loadFile(f);
      }}
    >
      <h2>
        Input <span className="muted" data-testid="byte-count">{count(bytes)} bytes</span>
      </h2>
      <div className="row">
        <button onClick={() => choosePreset({ kind: 'heldout' })}>Held-out text</button>
        <label>
          copy distance{' '}
          <select value={distance} onChange={(e) => setDistance(Number(e.target.value))} data-testid="copy-distance">
            {[64, 256, 1024, 4096, 16384, 32768].map((d) => (
              <option key={d} value={d}>{count(d)}</option>
            ))}
          </select>
        </label>
        <button data-testid="preset-copy" onClick={() => choosePreset({ kind: 'copy', distance, seed: 1 })}>Copy task</button>
        <button onClick={() => choosePreset({ kind: 'needle', seed: 1 })}>Needle in text</button>
        <label className="file">
          Open file… <input type="file" data-testid="file-input" onChange={(e) => e.target.files?.[0] && loadFile(e.target.files[0])} />
        </label>
      </div>
      <textarea ref={ref} data-testid="input-text" defaultValue={text} onInput={onInput} spellCheck={false} placeholder="Paste a long text here, or drop a file" />
      {inputError && (
        <p className="error" role="alert" data-testid="input-error">{inputError}</p>
      )}
      {bytes > limit && (
        <p className="warn small" data-testid="input-notice">
          The input ({count(bytes)} bytes) is longer than any selected model allows (at most {count(limit)} bytes): models read only its last N bytes, N set below.
        </p>
      )}
      <p className="muted small">The copy task is printable ASCII (a random string, then the same string again), so it can be pasted and shared as text.</p>
    </section>
  );
}
