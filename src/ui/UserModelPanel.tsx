import { useState } from 'react';
import { useStore } from '../state/store';
import { MAX_USER_MODEL_BYTES } from '../engine';
import type { UserModelDraft } from '../state/userModels';
import { Info } from './Info';

/** The questions a graph cannot answer, with what it did tell as defaults. */
function Questions({ d }: { d: UserModelDraft }) {
  const V = d.layout.vocabSize;
  const [name, setName] = useState(d.fileName.replace(/\.onnx$/i, ''));
  const [vocab, setVocab] = useState(V ?? 256);
  const [byteLevel, setByteLevel] = useState((V ?? 256) === 256);
  const [maxContext, setMaxContext] = useState(1024);
  const [latents, setLatents] = useState(256);
  const { addUserModel, cancelUserModel } = useStore.getState();
  return (
    <form
      className="small user-questions"
      data-testid="user-model-questions"
      onSubmit={(e) => {
        e.preventDefault();
        addUserModel({ name, vocabSize: vocab, byteLevel, maxContext, latents: d.layout.takesLatents ? latents : undefined });
      }}
    >
      <p data-testid="user-model-layout">
        <b>{d.fileName}</b>: {d.layout.describe}.
      </p>
      <p className="muted">The graph does not say the rest; answer what you know (the defaults are what it suggests).</p>
      <label>name <input value={name} onChange={(e) => setName(e.target.value)} data-testid="user-model-name" /></label>
      <label>
        vocabulary size <input type="number" min={1} value={vocab} disabled={V !== undefined} onChange={(e) => setVocab(Number(e.target.value))} data-testid="user-model-vocab" />
        {V !== undefined ? ' (read from the logits)' : ''}
      </label>
      <label title="Token ids are byte values 0..255: the page can then feed it text and show its predictions">
        <input type="checkbox" checked={byteLevel} onChange={(e) => setByteLevel(e.target.checked)} data-testid="user-model-bytes" /> byte-level (predictions of text; otherwise latency and memory only)
      </label>
      <label>maximum context (tokens) <input type="number" min={1} value={maxContext} onChange={(e) => setMaxContext(Number(e.target.value))} data-testid="user-model-context" /></label>
      {d.layout.takesLatents && (
        <label>latents M by default <input type="number" min={1} value={latents} onChange={(e) => setLatents(Number(e.target.value))} data-testid="user-model-latents" /></label>
      )}
      <div className="row">
        <button className="primary" type="submit" data-testid="user-model-add">Add model</button>
        <button type="button" onClick={cancelUserModel}>Cancel</button>
      </div>
    </form>
  );
}

/** Open or drop a person's own .onnx (and optionally its manifest.json). */
export function UserModelPanel() {
  const draft = useStore((s) => s.userDraft);
  const error = useStore((s) => s.userError);
  const busy = useStore((s) => s.userBusy);
  const [dragging, setDragging] = useState(false);
  const { openUserModel } = useStore.getState();
  return (
    <section
      className={`panel user-model${dragging ? ' dragging' : ''}`}
      aria-label="Your own model"
      data-testid="user-model-panel"
      onDragOver={(e) => (e.preventDefault(), setDragging(true))}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        if (e.dataTransfer.files.length) openUserModel([...e.dataTransfer.files]);
      }}
    >
      <h2>
        Your own model{' '}
        <Info testId="user-model-info">
        An ONNX decoder of yours (tokens or input_ids → logits, or a Perceiver AR layout), up to {MAX_USER_MODEL_BYTES / 2 ** 20} MiB, optionally with its
        manifest.json. The file never leaves this device: it is read here and kept in this browser until you remove it.
        </Info>
      </h2>
      <label className="file small">
        Open .onnx…{' '}
        <input type="file" multiple accept=".onnx,.json" data-testid="user-model-file" onChange={(e) => (e.target.files?.length && openUserModel([...e.target.files]), (e.target.value = ''))} />
      </label>
      <span className="small muted"> or drop it here</span>
      {busy && <p className="small muted">Reading the graph…</p>}
      {error && <p className="error small" role="alert" data-testid="user-model-error">{error}</p>}
      {draft && <Questions d={draft} />}
    </section>
  );
}
