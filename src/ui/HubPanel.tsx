import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../state/store';
import { bytesLabel, count } from './format';
import type { Dtype } from '../hub/layout';

/** Open a decoder from the Hugging Face Hub (repo id or URL) or a dropped folder, pick a precision, load it. */
export function HubPanel() {
  const s = useStore(
    useShallow((st) => ({
      hubRepo: st.hubRepo, hubProgress: st.hubProgress, hubBusy: st.hubBusy, hubError: st.hubError,
      openHubRepo: st.openHubRepo, openHubFolder: st.openHubFolder, loadHubModel: st.loadHubModel, cancelHub: st.cancelHub,
    })),
  );
  const [input, setInput] = useState('');
  const [dragging, setDragging] = useState(false);
  const repo = s.hubRepo;
  const p = s.hubProgress;
  return (
    <section
      className={`panel hub${dragging ? ' dragging' : ''}`}
      aria-label="Models from the Hugging Face Hub"
      data-testid="hub-panel"
      onDragOver={(e) => (e.preventDefault(), setDragging(true))}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        const files = [...e.dataTransfer.files];
        if (files.length) void s.openHubFolder(files);
      }}
    >
      <h2>From the Hugging Face Hub</h2>
      <p className="small muted">
        A decoder-only language model exported for transformers.js (onnx/model*.onnx or onnx/decoder_model_merged*.onnx, with tokenizer.json): its
        latency, memory and decoding measured against context in tokens. Files are downloaded once and kept in this browser.
      </p>
      <form
        className="row small"
        onSubmit={(e) => {
          e.preventDefault();
          void s.openHubRepo(input);
        }}
      >
        <input
          value={input}
          onChange={(e) => setInput(e.target.value)}
          placeholder="org/name, org/name@revision or a Hub URL"
          aria-label="Hub repo id or URL"
          data-testid="hub-repo"
          size={40}
        />
        <button type="submit" disabled={!!s.hubBusy} data-testid="hub-open">Open</button>
        <label className="file">
          or a folder…{' '}
          <input type="file" multiple data-testid="hub-folder" {...{ webkitdirectory: '' }} onChange={(e) => (e.target.files?.length && void s.openHubFolder([...e.target.files]), (e.target.value = ''))} />
        </label>
      </form>
      <HubAddressSettings />
      {s.hubBusy && (
        <p className="small muted" data-testid="hub-busy">
          {s.hubBusy}
          {p && (
            <>
              {' '}
              file {p.file} of {p.files}: {p.path} {p.fromCache ? '(from this browser\u2019s cache)' : ''} {bytesLabel(p.loaded)}
              {p.total ? ` of ${bytesLabel(p.total)}` : ''} <progress max={p.total || undefined} value={p.loaded} />
            </>
          )}{' '}
          <button onClick={s.cancelHub}>Cancel</button>
        </p>
      )}
      {s.hubError && (
        <p className="error small" role="alert" data-testid="hub-error">
          {s.hubError.message}
          {s.hubError.detail && <span className="muted" data-testid="hub-error-detail"> ({s.hubError.detail})</span>}
        </p>
      )}
      {repo && repo.choices.length > 0 && (
        <div className="small" data-testid="hub-choices">
          <p>
            <b>{repo.label}</b>: pick a precision (download size).
          </p>
          <ul className="hub-choices">
            {repo.choices.map((c) => (
              <li key={c.dtype}>
                <button onClick={() => void s.loadHubModel(c.dtype as Dtype)} disabled={!!s.hubBusy || !!c.problem} data-testid={`hub-load-${c.dtype}`} title={c.files.join(', ')}>
                  {c.dtype} · {bytesLabel(c.bytes)}
                </button>
                {c.problem && <span className="muted" data-testid={`hub-problem-${c.dtype}`}> {c.problem}</span>}
              </li>
            ))}
          </ul>
          {repo.describe && <p className="muted" data-testid="hub-describe">{repo.describe}</p>}
        </div>
      )}
      <HubCache />
    </section>
  );
}

/** Where the Hub is: the host and path template (a mirror, or a folder of repos served over HTTP). */
function HubAddressSettings() {
  const a = useStore((s) => s.hubAddress);
  const setHubAddress = useStore((s) => s.setHubAddress);
  const [host, setHost] = useState(a.host);
  const [template, setTemplate] = useState(a.pathTemplate);
  const [listing, setListing] = useState(a.listing);
  useEffect(() => (setHost(a.host), setTemplate(a.pathTemplate), setListing(a.listing)), [a]);
  return (
    <details className="small">
      <summary>Hub address: {a.host}</summary>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setHubAddress({ host, pathTemplate: template, listing });
        }}
      >
        <label>host <input value={host} onChange={(e) => setHost(e.target.value)} data-testid="hub-host" size={32} /></label>
        <label>path <input value={template} onChange={(e) => setTemplate(e.target.value)} data-testid="hub-template" size={28} /></label>
        <label>
          <input type="checkbox" checked={listing === 'api'} onChange={(e) => setListing(e.target.checked ? 'api' : 'probe')} data-testid="hub-listing" /> it lists files
          (the Hub's API; otherwise the files transformers.js asks for are tried)
        </label>
        <button type="submit" data-testid="hub-address-save">Use</button>
      </form>
    </details>
  );
}

/** Hub files kept in this browser, per repo: listed, deletable. */
function HubCache() {
  const cached = useStore((s) => s.hubCached);
  const refresh = useStore((s) => s.refreshHubCache);
  const del = useStore((s) => s.deleteHubRepo);
  return (
    <details className="small" data-testid="hub-cache" onToggle={(e) => (e.currentTarget.open ? void refresh() : undefined)}>
      <summary>Cached Hub models{cached ? ` (${cached.length})` : ''}</summary>
      {cached?.length === 0 && <p className="muted">Nothing cached.</p>}
      <ul>
        {cached?.map((r) => (
          <li key={`${r.repo}@${r.revision}`} data-testid={`hub-cached-${r.repo}`}>
            {r.repo}
            {r.revision !== 'main' ? `@${r.revision}` : ''} — {r.files.length} files, {bytesLabel(r.bytes)}{' '}
            <button onClick={() => void del(r.repo, r.revision)} data-testid={`hub-delete-${r.repo}`}>delete</button>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** A Hub model in the model list: where it came from, its precision and weights, how its graph is fed; Remove. */
export function HubModelCard({ m }: { m: import('../catalog/manifest').Manifest }) {
  const h = m.hub!;
  const remove = useStore((s) => s.removeUserModel);
  const tokenizer = useStore((s) => s.engine?.tokenizerOf(m.id));
  return (
    <div className="small muted" data-testid={`hub-card-${m.id}`}>
      <span className="tag">{h.origin === 'hub' ? 'Hugging Face Hub' : 'dropped folder'}</span> <span className="tag">{h.dtype}</span> {h.repo}
      {h.revision !== 'main' && h.origin === 'hub' ? `@${h.revision}` : ''}
      {h.host ? ` from ${h.host}` : ''} · {bytesLabel(h.weightsBytes)} of weights, {count(m.parameters)} stored values · up to {count(m.config.maxContext)} tokens
      {tokenizer ? ` · ${count(tokenizer.vocabSize)}-token vocabulary` : ''} · {h.layout.describe}{' '}
      <button onClick={() => void remove(m.id)} data-testid={`remove-${m.id}`}>Remove</button>
    </div>
  );
}

/** The input's length in each selected Hub model's tokens (next to its bytes): N counts tokens for such a model. */
export function TokenCounts() {
  const bytes = useStore((s) => s.bytes);
  const hubs = useStore(useShallow((s) => s.selected.filter((id) => s.manifests.find((m) => m.id === id)?.hub)));
  const engine = useStore((s) => s.engine);
  const [counts, setCounts] = useState<{ id: string; repo: string; tokens: number }[]>([]);
  useEffect(() => {
    const t = window.setTimeout(() => {
      const text = new TextDecoder().decode(bytes);
      const ms = useStore.getState().manifests;
      setCounts(
        hubs.flatMap((id) => {
          const tok = engine?.tokenizerOf(id);
          const m = ms.find((x) => x.id === id);
          return tok && m?.hub ? [{ id, repo: `${m.hub.repo} ${m.hub.dtype}`, tokens: tok.encode(text).length }] : [];
        }),
      );
    }, 300); // tokenizing a long input on every keystroke would lag the typing
    return () => window.clearTimeout(t);
  }, [bytes, hubs, engine]);
  return (
    <>
      {counts.map((c) => (
        <span key={c.id} className="muted" data-testid={`token-count-${c.id}`}>
          {' '}= {count(c.tokens)} tokens for {c.repo}
        </span>
      ))}
    </>
  );
}
