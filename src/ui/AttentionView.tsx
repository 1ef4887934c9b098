import { useEffect, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Manifest } from '../catalog/manifest';
import type { AttentionMap, Prediction } from '../engine';
import { useStore } from '../state/store';
import { binWeights, peakOf } from './attentionData';
import { count, shortN } from './format';

const BINS = 400;

/** "Where it reads": the attention weights of one query position over the window it ran on, from the model's
 * analysis graph (run on demand in its own session, so the timed graph never pays for it). */
export function AttentionView({ m, p, bytes, query: initialQuery, scope = '' }: {
  m: Manifest;
  p: Pick<Prediction, 'contextLength' | 'requestedContext' | 'numLatents'>;
  bytes: Uint8Array;
  query?: number; // the query offered first (default: the last position)
  scope?: string; // prefixes the model id in test ids, where a model's view appears twice (the recall panel's probes)
}) {
  const started = useStore((s) => !!s.engine);
  const { attention } = useStore.getState();
  const sid = `${scope}${m.id}`;
  const [query, setQuery] = useState(initialQuery === undefined ? '' : String(initialQuery));
  // the run a map was read for: its N (asked and used), M and input
  const at = `${p.requestedContext}|${p.contextLength}|${p.numLatents ?? ''}`;
  const [shown, setShown] = useState<{ map: AttentionMap; at: string; bytes: Uint8Array }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);
  const n = p.contextLength;
  const first = p.numLatents ? n - p.numLatents : 0; // Perceiver AR: only its latents query
  const q = query === '' || Number(query) < first || Number(query) > n - 1 ? undefined : Number(query); // a query outside this window: the last position
  const tried = useRef<{ at: string; bytes: Uint8Array }>(undefined); // the last run asked for: a failure is not retried
  const run = async () => {
    if (!started) return;
    tried.current = { at, bytes };
    setBusy(true);
    setError(undefined);
    try {
      setShown({ map: await attention(m.id, bytes, p.requestedContext, p.numLatents, q), at, bytes });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  // the view follows the prediction: a new N (or input) re-reads the new window while the view is open and shown
  // (also once a read still going when N moved on has finished: then the newest N is read)
  const behind = !!shown && (shown.at !== at || shown.bytes !== bytes);
  useEffect(() => {
    const asked = tried.current?.at === at && tried.current.bytes === bytes;
    if (open && behind && !busy && !asked) void run();
  }, [at, bytes, open, busy]);
  const map = shown?.map;
  const peak = map && peakOf(map.weights);
  const bins = map ? binWeights(map.weights, BINS) : [];
  const mapN = map?.weights.length ?? n;
  const pct = (x: number) => `${Number((x * 100).toPrecision(2))}%`;
  return (
    <details className="attention" data-testid={`attention-${sid}`} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="small">Where it reads (attention of one position over the window)</summary>
      <p className="muted small">
        {p.numLatents ? 'A latent' : 'A position'} and the weight with which it reads every byte of the window in {m.attentionGraph!.layer}, averaged over
        heads (sums to 1). Query: a window offset from {count(first)} to {count(n - 1)} (empty: the last).
      </p>
      <label className="small">
        query{' '}
        <input type="number" min={first} max={n - 1} value={query} placeholder={String(n - 1)} onChange={(e) => setQuery(e.target.value)} data-testid={`attention-query-${sid}`} style={{ width: '7em' }} />
      </label>{' '}
      <button onClick={run} disabled={busy || !started} data-testid={`attention-run-${sid}`}>
        {busy ? 'running…' : 'Show'}
      </button>
      {error && (
        <p className="error small" role="alert" data-testid={`attention-error-${sid}`}>
          {error}
        </p>
      )}
      {map && peak && (
        <>
          <p className="small" data-testid={`attention-at-${sid}`} data-n={mapN} data-window-start={map.windowStart}>
            <span className={behind ? 'warn' : 'muted'} data-testid={`attention-n-${sid}`}>
              {behind
                ? `From the run at N = ${count(mapN)}, before N changed to ${count(n)}: ${busy ? 'reading the new window…' : 'press Show for this N.'}`
                : `At N = ${count(mapN)}: the window is input bytes ${count(map.windowStart)} to ${count(map.windowStart + mapN - 1)}.`}
            </span>
          </p>
          <p className="small" data-testid={`attention-peak-${sid}`} data-peak={map.windowStart + peak.offset} data-query={map.windowStart + map.query} data-n={mapN}>
            Position {count(map.windowStart + map.query)} (predicting the byte after it) reads most at byte{' '}
            <b>{count(map.windowStart + peak.offset)}</b> ({pct(peak.weight)} of its attention; {pct(peak.near)} within 64 bytes of it), {count(map.query - peak.offset)} bytes
            back.
          </p>
          <Strip weights={bins.map((b) => b.mass)} query={map.query / mapN} testId={`attention-strip-${sid}`} />
          <div data-testid={`attention-chart-${sid}`}>
            <ResponsiveContainer width="100%" height={170}>
              <LineChart data={bins.map((b) => ({ at: map.windowStart + b.start, mass: b.mass }))} margin={{ left: 8, right: 16, top: 4, bottom: 16 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  dataKey="at"
                  type="number"
                  domain={['dataMin', 'dataMax']}
                  tickFormatter={shortN}
                  fontSize={11}
                  label={{ value: 'input offset (bytes)', position: 'insideBottom', offset: -10, fontSize: 11, fill: '#687083' }}
                />
                <YAxis width={52} fontSize={11} tickFormatter={(v) => pct(Number(v))} label={{ value: 'weight', angle: -90, position: 'insideLeft', fontSize: 11, fill: '#687083', style: { textAnchor: 'middle' } }} />
                <Tooltip formatter={(v) => pct(Number(v))} labelFormatter={(a) => `bytes ${count(Number(a))}+ (${Math.ceil(mapN / BINS)} per point)`} />
                <ReferenceLine x={map.windowStart + map.query} stroke="#b00020" strokeDasharray="3 3" label={{ value: 'query', fontSize: 11, fill: '#b00020', position: 'insideTopLeft' }} className="attention-query" />
                <Line dataKey="mass" dot={false} isAnimationActive={false} stroke="#2457c5" />
              </LineChart>
            </ResponsiveContainer>
          </div>
          <p className="muted small">{Math.ceil(mapN / BINS)} bytes per point of the strip and the chart; the red mark is the query.</p>
        </>
      )}
    </details>
  );
}

/** One row of cells over the window, darker where more weight falls; a tick marks the query. */
function Strip({ weights, query, testId }: { weights: number[]; query: number; testId: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const max = Math.max(...weights, 1e-12);
    const w = c.width / weights.length;
    ctx.clearRect(0, 0, c.width, c.height);
    weights.forEach((x, i) => {
      ctx.fillStyle = `hsl(220, 80%, ${97 - 60 * Math.sqrt(x / max)}%)`; // sqrt: small but real mass stays visible
      ctx.fillRect(i * w, 0, Math.ceil(w), c.height);
    });
    ctx.fillStyle = '#b00020';
    ctx.fillRect(Math.min(c.width - 2, query * c.width), 0, 2, c.height);
  }, [weights, query]);
  return <canvas ref={ref} width={800} height={22} style={{ width: '100%', height: 22, border: '1px solid #dde1e7' }} data-testid={testId} />;
}
