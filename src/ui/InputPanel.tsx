import { useEffect, useRef, useState } from 'react';
import { maxSelectedContext } from '../state/selectors';
import { useStore } from '../state/store';
import { MIRROR_LENGTH, NEEDLE_DEFAULTS, type Preset } from '../state/presets';
import { count } from './format';
import { TokenCounts } from './HubPanel';

const TYPING_PAUSE_MS = 250;

function presetNote(p?: Preset): string {
  if (!p) return '';
  if (p.kind === 'heldout') return 'Held-out text: Brown corpus documents the models never saw in training (first 200,000 characters).';
  if (p.kind === 'copy')
    return `Copy task: a random string of ${count(p.distance)} printable ASCII characters, then the same string again (printable, not all 256 byte values, so it stays text you can paste and share). A model that sees ${count(p.distance)} bytes back can predict the second half; its bits/byte there should fall towards 0.`;
  if (p.kind === 'mirror')
    return `Mirrored copy (the paper's copy task): ${count(MIRROR_LENGTH / 2)} random printable characters, then the same characters reversed. Only "Perceiver AR (copy)" was trained on it; it reads the FIRST N bytes, so the slider moves where it predicts: the byte at position p repeats the one 2p − ${count(MIRROR_LENGTH - 1)} bytes back, up to ${count(MIRROR_LENGTH - 1)} at the end. Below N = ${count(MIRROR_LENGTH / 2)} its window holds no copy yet (random bytes, nothing to predict); choosing this preset sets N to ${count(MIRROR_LENGTH)}. The other models read the last N bytes and were not trained on this task.`;
  const length = p.length ?? NEEDLE_DEFAULTS.length;
  return `Needle (the recall task's probe): a pair like " AB12 " planted ${Math.round(100 * (p.depth ?? NEEDLE_DEFAULTS.depth))}% into ${count(length)} bytes of held-out text, and its key asked again at the very end: a model predicts the two-digit value only if it reads back to the needle.`;
}

/** The textarea is uncontrolled: typing never re-renders the page; bytes are recomputed after a pause. */
export function InputPanel() {
  const text = useStore((s) => s.text);
  const bytes = useStore((s) => s.bytes.length);
  const preset = useStore((s) => s.preset);
  const inputError = useStore((s) => s.inputError);
  const limit = useStore(maxSelectedContext);
  const ref = useRef<HTMLTextAreaElement>(null);
  const timer = useRef<number>(undefined);
  const [distance, setDistance] = useState(1024);
  const [needle, setNeedle] = useState(NEEDLE_DEFAULTS);
  const [dragging, setDragging] = useState(false);
  const { choosePreset, loadFile, setContext, setText, touchInput } = useStore.getState();
  useEffect(() => {
    if (ref.current && ref.current.value !== text) ref.current.value = text;
  }, [text]);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const onInput = () => {
    touchInput();
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setText(ref.current!.value), TYPING_PAUSE_MS);
  };
  const pick = (p: Preset) => {
    window.clearTimeout(timer.current); // a pending keystroke must not overwrite the preset
    choosePreset(p);
  };
  return (
    <section
      className={`input${dragging ? ' dragging' : ''}`}
      aria-label="Input"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        const f = e.dataTransfer.files[0];
        if (f) loadFile(f);
      }}
    >
      <h2>
        Input <span className="muted" data-testid="byte-count">{count(bytes)} bytes</span>
        <TokenCounts />
      </h2>
      <div className="row">
        <button onClick={() => pick({ kind: 'heldout' })} data-testid="preset-heldout">Held-out text</button>
        <span className="group">
          <button data-testid="preset-copy" onClick={() => pick({ kind: 'copy', distance, seed: 1 })}>Copy task</button>
          <label>
            {' '}distance{' '}
            <select value={distance} onChange={(e) => setDistance(Number(e.target.value))} data-testid="copy-distance">
              {[64, 256, 1024, 4096, 16384, 32768].map((d) => (
                <option key={d} value={d}>{count(d)}</option>
              ))}
            </select>
          </label>
        </span>
        <span className="group">
          <button onClick={() => pick({ kind: 'needle', seed: 1, ...needle })} data-testid="preset-needle">Needle in text</button>
          <label title="bytes of text around the needle">
            {' '}
            <select value={needle.length} onChange={(e) => setNeedle({ ...needle, length: Number(e.target.value) })} data-testid="needle-length">
              {[1024, 4096, 16384, 65536].map((n) => (
                <option key={n} value={n}>{count(n)}</option>
              ))}
            </select>
          </label>
          <label title="where the needle is planted, as a share of the text from its start">
            {' '}at{' '}
            <select value={needle.depth} onChange={(e) => setNeedle({ ...needle, depth: Number(e.target.value) })} data-testid="needle-depth">
              {[0.1, 0.25, 0.5, 0.9].map((d) => (
                <option key={d} value={d}>{Math.round(d * 100)}%</option>
              ))}
            </select>
          </label>
        </span>
        <button onClick={() => (pick({ kind: 'mirror', seed: 1 }), setContext(MIRROR_LENGTH))} data-testid="preset-mirror" title="The paper's copy task: random characters, then the same reversed">Mirrored copy</button>
        <label className="file" title="Or drop a text file on this panel">
          Open file… <input type="file" data-testid="file-input" onChange={(e) => e.target.files?.[0] && loadFile(e.target.files[0])} />
        </label>
      </div>
      <textarea ref={ref} data-testid="input-text" defaultValue={text} onInput={onInput} spellCheck={false} aria-label="Input text" placeholder="Paste a long text here, or drop a file" />
      {inputError && (
        <p className="error" role="alert" data-testid="input-error">{inputError}</p>
      )}
      {bytes > limit && (
        <p className="warn small" data-testid="input-notice">
          The input ({count(bytes)} bytes) is longer than any selected model allows (at most {count(limit)} bytes): models read only its last N bytes, N set below.
        </p>
      )}
      {preset && <p className="muted small preset-note" data-testid="preset-note">{presetNote(preset)}</p>}
    </section>
  );
}
