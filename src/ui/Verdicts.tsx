import { useMemo } from 'react';
import type { Manifest } from '../catalog/manifest';
import type { Prediction } from '../engine';
import { MIRROR_LENGTH } from '../state/presets';
import { useStore } from '../state/store';
import { count } from './format';
import { UntrainedTag } from './modelTags';
import { copyScore, type CopyScore } from './verdictData';

interface Ran {
  id: string;
  m?: Manifest;
  p: Prediction;
}

/** The copy presets: what was planted where, and per model how many bytes of the copy its first guess gets right. */
function CopyVerdict({ ran, bytes, what, from, to, source }: { ran: Ran[]; bytes: Uint8Array; what: string; from: number; to: number; source: (at: number) => number }) {
  const scores = useMemo(() => ran.map((r) => ({ ...r, s: copyScore(r.p, bytes, from, to, source) })), [ran, bytes, from, to, source]);
  return (
    <section className="panel verdict" aria-label="Verdict" data-testid="verdict">
      <p className="small" data-testid="verdict-planted">
        {what}
      </p>
      <ul className="verdicts">
        {scores.map(({ id, m, p, s }) => (
          <li key={id} data-testid={`verdict-${id}`} data-right={s.right} data-guessed={s.guessed}>
            <b>{m?.displayName ?? id}</b> <UntrainedTag m={m} />: {copyText(s, p)}
          </li>
        ))}
      </ul>
    </section>
  );
}

function copyText(s: CopyScore, p: Prediction): string {
  if (!s.guessed) return `it scored no byte of the copy (its window: input bytes ${count(p.windowStart)} to ${count(p.windowStart + p.contextLength - 1)})`;
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)}%`;
  const reach =
    s.reachable === s.guessed
      ? 'the source of every one lies in its window'
      : s.reachable === 0
        ? 'none of their sources lies in its window, so it cannot copy them'
        : `the sources of ${count(s.reachable)} lie in its window, and it got ${count(s.rightReachable)} of those`;
  return `copied ${count(s.right)} of ${count(s.guessed)} bytes right (${pct(s.right, s.guessed)}, first guess; chance about 1%); ${reach}`;
}

/** Verdicts for the preset in use, per model that ran on it; nothing for plain text. */
export function Verdicts() {
  const preset = useStore((s) => s.preset);
  const bytes = useStore((s) => s.bytes);
  const selected = useStore((s) => s.selected);
  const status = useStore((s) => s.status);
  const manifests = useStore((s) => s.manifests);
  const ran = useMemo(
    () =>
      selected.flatMap((id): Ran[] => {
        const st = status[id];
        return st?.prediction && st.predictedOn === bytes ? [{ id, m: manifests.find((m) => m.id === id), p: st.prediction }] : [];
      }),
    [selected, status, bytes, manifests],
  );
  const copySource = useMemo(() => (preset?.kind === 'copy' ? (at: number) => at - preset.distance : (at: number) => MIRROR_LENGTH - 1 - at), [preset]);
  if (!preset || !ran.length) return null;
  if (preset.kind === 'copy') {
    const d = preset.distance;
    return (
      <CopyVerdict
        ran={ran}
        bytes={bytes}
        from={d}
        to={2 * d}
        source={copySource}
        what={`Planted: a random string of ${count(d)} printable characters at input bytes 0 to ${count(d - 1)}, repeated at ${count(d)} to ${count(2 * d - 1)}: each byte of the repeat is the one ${count(d)} bytes back.`}
      />
    );
  }
  if (preset.kind === 'mirror' && bytes.length === MIRROR_LENGTH) {
    const half = MIRROR_LENGTH / 2;
    return (
      <CopyVerdict
        ran={ran}
        bytes={bytes}
        from={half}
        to={MIRROR_LENGTH}
        source={copySource}
        what={`Planted: ${count(half)} random printable characters at input bytes 0 to ${count(half - 1)}, then the same reversed at ${count(half)} to ${count(MIRROR_LENGTH - 1)}: byte p repeats byte ${count(MIRROR_LENGTH - 1)} − p.`}
      />
    );
  }
  return null;
}
