import { useEffect, useMemo, useState } from 'react';
import type { Manifest } from '../catalog/manifest';
import { showByte, type Prediction } from '../engine';
import { MIRROR_LENGTH, NEEDLE_DEFAULTS, needleProbe, type Preset } from '../state/presets';
import { maxSelectedContext } from '../state/selectors';
import { useStore } from '../state/store';
import type { Probe } from '../tasks';
import { count } from './format';
import { UntrainedTag } from './modelTags';
import { copyScore, retrieval, type CopyScore, type Retrieval } from './verdictData';

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

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
/** Bytes as they read, in quotes; a byte that is not printable shown as the page shows it elsewhere. */
const quoted = (bytes: ArrayLike<number>) => `"${Array.from(bytes, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : showByte(b))).join('')}"`;
const ordinal = (n: number) => `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;

/** The needle preset: what was planted where, and per model whether its first guesses give the value, with ranks. */
function NeedleVerdict({ preset, ran, bytes }: { preset: Extract<Preset, { kind: 'needle' }>; ran: Ran[]; bytes: Uint8Array }) {
  const [probe, setProbe] = useState<Probe>();
  const limit = useStore(maxSelectedContext);
  const { setContext, runPredictions } = useStore.getState();
  useEffect(() => {
    let live = true;
    needleProbe(preset).then((p) => live && setProbe(p), () => live && setProbe(undefined));
    return () => void (live = false);
  }, [preset]);
  const verdicts = useMemo(
    () => (probe?.planted?.length && sameBytes(probe.bytes, bytes) ? ran.map((r) => ({ ...r, v: retrieval(r.p, bytes, probe.answers[0], probe.planted![0]) })) : []),
    [probe, ran, bytes],
  );
  if (!probe?.planted?.length || !sameBytes(probe.bytes, bytes)) return null;
  const planted = probe.planted[0];
  const answer = probe.answers[0];
  const value = bytes.subarray(answer.start, answer.start + answer.length);
  const back = bytes.length - planted.start; // N that reaches the needle
  const outside = verdicts.some(({ v }) => !v.plantedInWindow);
  const depth = Math.round(100 * (preset.depth ?? NEEDLE_DEFAULTS.depth));
  return (
    <section className="panel verdict" aria-label="Verdict" data-testid="verdict">
      <p className="small" data-testid="verdict-planted" data-value={new TextDecoder().decode(value)} data-planted-at={planted.start}>
        Planted <code className="pre">{quoted(new TextEncoder().encode(planted.text))}</code> at input bytes {count(planted.start)} to {count(planted.start + planted.length - 1)} ({depth}%
        into {count(bytes.length)} bytes, {count(back)} bytes before the end); the key is asked again at the very end, and the answer is its value{' '}
        <code className="pre">{quoted(value)}</code>, the last {answer.length} bytes.{' '}
        {outside &&
          (back <= limit ? (
            <button
              className="primary"
              data-testid="verdict-include"
              onClick={() => {
                setContext(Math.min(bytes.length, limit));
                void runPredictions();
              }}
            >
              Set N to {count(Math.min(bytes.length, limit))} to include the needle
            </button>
          ) : (
            <span className="warn">No selected model reads {count(back)} bytes back.</span>
          ))}
      </p>
      <ul className="verdicts">
        {verdicts.map(({ id, m, p, v }) => (
          <li key={id} data-testid={`verdict-${id}`} data-retrieved={v.retrieved} data-in-window={v.plantedInWindow}>
            <b>{m?.displayName ?? id}</b> <UntrainedTag m={m} />: <NeedleText v={v} p={p} value={value} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function NeedleText({ v, p, value }: { v: Retrieval; p: Prediction; value: Uint8Array }) {
  const where = v.plantedInWindow ? 'the needle lies in its window' : `the needle lies outside its window (input bytes ${count(p.windowStart)} to ${count(p.windowStart + p.contextLength - 1)})`;
  if (!v.scored) return <>it did not score the answer bytes ({where}).</>;
  const guesses = quoted(v.guesses.map((g) => g.top1!));
  const k = p.top[0]?.length ?? 5;
  const ranks = v.guesses.map((g) => `${quoted([g.expected])} ${g.rank ? `its ${ordinal(g.rank)} guess` : `not in its top ${k}`}`).join(', ');
  return (
    <>
      <span className={v.retrieved ? 'retrieved' : 'missed'}>{v.retrieved ? `retrieved ${quoted(value)}` : `not retrieved`}</span>: its first guesses read {guesses} ({ranks}); {where}.
    </>
  );
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
  if (preset.kind === 'needle') return <NeedleVerdict preset={preset} ran={ran} bytes={bytes} />;
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
