import { useState } from 'react';
import { largestFitting } from '../catalog/fit';
import type { Manifest } from '../catalog/manifest';
import { useStore } from '../state/store';
import { describeAttention, trainedLatents } from '../catalog/facts';
import { bytesLabel, count } from './format';
import { Info } from './Info';
import { isUntrained, SIZE_LABEL, SIZE_TITLE, UntrainedTag } from './modelTags';
import { HubModelCard } from './HubPanel';
import { TrainingCurve } from './TrainingCurve';

/** What the card promises: the model's limit, and where WASM stops short of it (from the cost model). */
export function limitText(m: Manifest): string {
  const wasm = largestFitting(m, { backend: 'wasm' });
  const limit = `up to ${count(m.config.maxContext)} bytes`;
  return wasm >= m.config.maxContext ? limit : `${limit}; on WASM up to ${count(wasm)} (past that one forward needs more than the 4 GiB a WASM page can address)`;
}

function Details({ m }: { m: Manifest }) {
  const [open, setOpen] = useState(false); // the training log is fetched only once the details are opened
  const t = m.training;
  const bpb = m.evaluation?.heldOutBitsPerByte.filter((e) => e.bpb !== null) ?? [];
  const copy = m.evaluation?.copyAccuracy.filter((c) => c.perByte !== null) ?? [];
  const mirror = m.evaluation?.mirroredCopyAccuracy ?? [];
  // "± half the 95% interval" where the evaluation has one (scripts/evaluate.ts)
  const pm = (e: { lo?: number; hi?: number }) => (e.lo !== undefined && e.hi !== undefined ? ` ± ${((e.hi - e.lo) / 2).toFixed(2)}` : '');
  const acc = (cs: { distance: number; perByte: number | null; lo?: number; hi?: number }[]) =>
    cs.map((c) => `${c.perByte?.toFixed(2)}${pm(c)} at ${count(c.distance)}`).join(', ');
  return (
    <details className="model-details" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary title={`About ${m.displayName}`} aria-label={`About ${m.displayName}`}>
        <span className="i-mark">i</span>
      </summary>
      <div className="model-about">
        <p>
          <b>{m.familyName}</b>, {SIZE_LABEL[m.size]}: {count(m.parameters)} parameters · <span data-testid={`limit-${m.id}`}>{limitText(m)}</span>
        </p>
        <p>
          <a href={m.paper.url} target="_blank" rel="noreferrer noopener">{m.paper.title}</a> ({m.paper.authors}, {m.paper.year})
        </p>
        <p>
          d={m.config.dModel}, heads={m.config.nHeads}, layers={m.config.nLayers}
          {trainedLatents(m) ? ` (+1 cross-attention), latents ${trainedLatents(m)}` : ''}
          {m.config.convKernel ? `, depthwise conv ${m.config.convKernel}` : ''}; {m.config.activation}, {m.config.norm}; positions: {m.config.positions}; attention:{' '}
          {describeAttention(m.config.attention)}; trained at {count(m.config.trainedContext)} bytes, limit {count(m.config.maxContext)} bytes; file {bytesLabel(m.graph.bytes)}
        </p>
        <p>
          {t
            ? `Trained ${count(t.steps)} steps${t.batchSize ? ` (batch ${t.batchSize}, crop ${t.crop})` : ''}${t.stages ? ` in stages: ${t.stages.map((s) => `${s.stage} ${count(s.steps)}`).join(', ')}` : ''} on ${t.data}: ${count(t.tokensSeen)} bytes seen, ${Math.round(t.wallSeconds)} s on ${t.device}; final train loss ${t.finalTrainLoss?.toFixed(3) ?? '—'} nats.`
            : 'Random weights (not trained): latency and memory only; its predictions mean nothing.'}
        </p>
        {open && t && <TrainingCurve m={m} />}
        {bpb.length > 0 && <p>Held-out bits/byte: {bpb.map((e) => `${e.bpb!.toFixed(2)}${pm(e)} at ${count(e.context)}`).join(', ')} (Brown, as run in the page; both texts, sliding windows and intervals: models/README.md).</p>}
        {copy.length > 0 && <p>Copy accuracy per byte by distance (chance 0.01): {acc(copy)}.</p>}
        {mirror.length > 0 && <p>Mirrored copy (the paper's task), accuracy per byte by distance (chance 0.01): {acc(mirror)}.</p>}
        {m.simplifications.length > 0 && (
          <>
            <p>Simplified from the paper:</p>
            <ul>
              {m.simplifications.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
          </>
        )}
      </div>
    </details>
  );
}

/** A person's own model: what the page knows of it (read from the graph, or from its manifest), and Remove. */
function UserModelCard({ m }: { m: Manifest }) {
  const u = m.userModel!;
  const { removeUserModel } = useStore.getState();
  const io = (ts: Manifest['graph']['inputs']) => ts.map((t) => `${t.name} [${t.dims.join(', ')}]`).join(', ');
  return (
    <div className="small muted" data-testid={`user-card-${m.id}`}>
      <span className="tag">your model</span> {u.fileName}, {bytesLabel(m.graph.bytes)} · up to {count(m.config.maxContext)} tokens ·{' '}
      {u.byteLevel ? 'byte-level: predictions and timings' : `vocabulary ${count(m.config.vocabSize)}, not byte-level: latency and memory only`}
      {u.fromManifest ? ' · from its manifest' : ''} · {io(m.graph.inputs)} → {io(m.graph.outputs)}; kept in this browser, never uploaded{' '}
      <button onClick={() => removeUserModel(m.id)} data-testid={`remove-${m.id}`}>Remove</button>
    </div>
  );
}

/** One size of a family: a checkbox, its name, untrained or not, and its details one click away. */
function SizeChoice({ m, checked }: { m: Manifest; checked: boolean }) {
  const { toggleModel } = useStore.getState();
  const untrained = isUntrained(m);
  return (
    <div className={`model${untrained ? ' untrained' : ''}${checked ? ' checked' : ''}`} data-testid={`model-${m.id}`}>
      <label title={`${m.displayName}: ${SIZE_TITLE[m.size]}. ${count(m.parameters)} parameters, ${limitText(m)}.`}>
        <input type="checkbox" checked={checked} onChange={() => toggleModel(m.id)} data-testid={`pick-${m.id}`} /> {SIZE_LABEL[m.size]}
      </label>
      <UntrainedTag m={m} />
      <Details m={m} />
    </div>
  );
}

interface Family {
  family: string;
  name: string;
  models: Manifest[];
}

/** Bundled models by family (in the index's order), a person's own models apart. */
function families(manifests: Manifest[]): Family[] {
  const out: Family[] = [];
  for (const m of manifests.filter((x) => !x.userModel && !x.hub)) {
    const f = out.find((x) => x.family === m.family) ?? out[out.push({ family: m.family, name: m.familyName, models: [] }) - 1];
    f.models.push(m);
  }
  return out;
}

const ORDER: Manifest['size'][] = ['compare', '512-crop', 'copy', 'recall', 'tiny'];

export function ModelPicker() {
  const manifests = useStore((s) => s.manifests);
  const selected = useStore((s) => s.selected);
  const [showUntrained, setShowUntrained] = useState(false);
  const untrained = manifests.filter(isUntrained);
  // an untrained model is out of the default view, unless it is selected (a link may name one)
  const shown = (m: Manifest) => showUntrained || !isUntrained(m) || selected.includes(m.id);
  const own = manifests.filter((m) => m.userModel);
  const hub = manifests.filter((m) => m.hub);
  const { toggleModel } = useStore.getState();
  return (
    <section className="panel models" aria-label="Models">
      <h2>
        Models{' '}
        <Info testId="models-info">
          Each family is trained the same way (width, depth, data mixture and step budget held fixed: the "compare" size); pick one or more sizes
          inside a family. The untrained "tiny" graphs have random weights: their latency and memory are real, their predictions mean nothing, so they
          are out of this list unless asked for. The i by a size: its paper, configuration, training and evaluation.
        </Info>
      </h2>
      {!manifests.length && <p className="muted small">Reading the bundled models…</p>}
      {families(manifests).map((f) => {
        const sizes = f.models.filter(shown).sort((a, b) => ORDER.indexOf(a.size) - ORDER.indexOf(b.size));
        if (!sizes.length) return null;
        const attention = describeAttention(f.models[0].config.attention);
        return (
          <div key={f.family} className="family" data-testid={`family-${f.family}`}>
            <div className="family-name" title={attention}>
              {f.name}
            </div>
            <div className="sizes">
              {sizes.map((m) => (
                <SizeChoice key={m.id} m={m} checked={selected.includes(m.id)} />
              ))}
            </div>
          </div>
        );
      })}
      {hub.length > 0 && (
        <div className="family" data-testid="family-hub">
          <div className="family-name">From the Hugging Face Hub</div>
          {hub.map((m) => (
            <div key={m.id} className="model" data-testid={`model-${m.id}`}>
              <label>
                <input type="checkbox" checked={selected.includes(m.id)} onChange={() => toggleModel(m.id)} data-testid={`pick-${m.id}`} /> <b>{m.displayName}</b>
              </label>
              <HubModelCard m={m} />
            </div>
          ))}
        </div>
      )}
      {own.length > 0 && (
        <div className="family" data-testid="family-user">
          <div className="family-name">Your models</div>
          {own.map((m) => (
            <div key={m.id} className="model" data-testid={`model-${m.id}`}>
              <label>
                <input type="checkbox" checked={selected.includes(m.id)} onChange={() => toggleModel(m.id)} data-testid={`pick-${m.id}`} /> <b>{m.displayName}</b>
              </label>
              <UserModelCard m={m} />
            </div>
          ))}
        </div>
      )}
      {untrained.length > 0 && (
        <label className="small muted show-untrained">
          <input type="checkbox" checked={showUntrained} onChange={(e) => setShowUntrained(e.target.checked)} data-testid="show-untrained" /> show the {untrained.length} untrained
          models (random weights: timing only)
        </label>
      )}
    </section>
  );
}
