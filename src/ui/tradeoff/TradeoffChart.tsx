import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { bubbles, tradeoffBackend, type Bubble } from '../../state/tradeoff';
import { useStore } from '../../state/store';
import { download } from '../download';
import { saveChartsPng } from '../exportPng';
import { bytesLabel, count, ms } from '../format';
import { UntrainedTag } from '../modelTags';
import { MODEL_COLORS } from '../recall/RecallChart';
import { BubblePlot, type PlotBubble, type PlotCross } from './BubblePlot';
import { tradeoffCsv, qualityText } from './tradeoffCsv';

/** The bubbles drawn (speed and quality known), the crosses of models that cannot run at N, and the axes' domains. */
function chartData(all: Bubble[], selected: string[], quality: 'recall' | 'bpb') {
  const color = (id: string) => MODEL_COLORS[Math.max(0, selected.indexOf(id)) % MODEL_COLORS.length];
  const drawn = all.filter((b) => !b.cannot && b.speed && b.quality);
  const xs = drawn.map((b) => b.speed!.value);
  const xDomain: [number, number] = xs.length ? [Math.min(...xs) / 2, Math.max(...xs) * 2] : [0.1, 10];
  const ys = drawn.map((b) => b.quality!.value);
  const yDomain: [number, number] = quality === 'recall' ? [0, 1] : ys.length ? [Math.max(0, Math.floor(Math.min(...ys)) - 0.5), Math.ceil(Math.max(...ys)) + 0.5] : [0, 8];
  const data: PlotBubble[] = drawn.map((b) => ({ id: b.modelId, x: b.speed!.value, y: b.quality!.value, memory: b.memory.value, measured: b.memory.measured, color: color(b.modelId) }));
  const cannot: PlotCross[] = all.filter((b) => b.cannot).map((b) => ({ id: b.modelId, y: b.quality?.value, why: b.cannot! }));
  return { data, cannot, xDomain, yDomain };
}

/** LRA's Figure 3, live: one bubble per selected model at the slider's N (x speed, y quality, area memory). */
export function TradeoffChart() {
  // only what the bubbles are made of: the chart redraws when one of these changes, not on every change of the page
  const state = useStore(
    useShallow((s) => ({
      context: s.context, backend: s.backend, latents: s.latents, tradeoff: s.tradeoff, selected: s.selected, manifests: s.manifests, status: s.status,
      points: s.points, singles: s.singles, decodeRuns: s.decodeRuns, recallCells: s.recallCells, recall: s.recall, sweeping: s.sweeping, recallRunning: s.recallRunning,
    })),
  );
  const N = state.context;
  const { speed, quality } = state.tradeoff;
  const backend = tradeoffBackend(state);
  const all = useMemo(() => bubbles(state), [state]);
  const { setTradeoff, runSweep, runRecall } = useStore.getState();
  const { data, cannot, xDomain, yDomain } = useMemo(() => chartData(all, state.selected, quality), [all, state.selected, quality]);
  const speedMissing = all.filter((b) => !b.cannot && b.missing.speed && b.canMeasure.speed).map((b) => b.modelId);
  const qualityMissing = all.filter((b) => !b.cannot && b.missing.quality && b.canMeasure.quality).map((b) => b.modelId);
  const busy = state.sweeping || state.recallRunning;
  const xWords = speed === 'forward' ? `ms per forward over N bytes (${backend}; log scale)` : `decode ms per byte at N, cached (${backend}; log scale)`;
  const yWords = quality === 'recall' ? `recall accuracy, measured in this page (${state.recall.task})` : "bits per byte on held-out Brown, from each model's evaluation (lower is better: axis reversed)";
  return (
    <section className="panel tradeoff" aria-label="Trade-off">
      <div className="row">
        <h2>Trade-off at N = {count(N)}</h2>
        <label className="small">
          x: speed{' '}
          <select value={speed} onChange={(e) => setTradeoff({ speed: e.target.value as 'forward' | 'decode' })} data-testid="tradeoff-speed">
            <option value="forward">ms per forward</option>
            <option value="decode">decode ms per byte</option>
          </select>
        </label>
        <label className="small">
          y: quality{' '}
          <select value={quality} onChange={(e) => setTradeoff({ quality: e.target.value as 'recall' | 'bpb' })} data-testid="tradeoff-quality">
            <option value="recall">recall accuracy (this page)</option>
            <option value="bpb">bits per byte (model's evaluation)</option>
          </select>
        </label>
        <button onClick={() => saveChartsPng(document.querySelectorAll<HTMLElement>('section.tradeoff figure.chart'), 'lcp-tradeoff.png')} disabled={!data.length} data-testid="tradeoff-png">PNG</button>
        <button onClick={() => download('lcp-tradeoff.csv', new Blob([tradeoffCsv(all, N, backend, state.tradeoff)], { type: 'text/csv' }))} disabled={!all.length} data-testid="tradeoff-csv">CSV</button>
      </div>
      <p className="small muted">
        Long Range Arena's Figure 3 (quality against speed, circle area = memory), measured live on this device at the N set on the slider: the points already measured
        here at exactly this N (sweep medians, single runs, recall runs). Filled bubbles: memory measured with the speed; dashed rings: the cost model's estimate.
      </p>
      <figure className="chart" data-testid="tradeoff-chart">
        <figcaption>
          <b>Quality against speed at N = {count(N)}</b>
          <span className="muted small"> (x: {xWords}; y: {yWords}; area: memory)</span>
        </figcaption>
        <BubblePlot
          bubbles={data}
          crosses={cannot}
          xDomain={xDomain}
          yDomain={yDomain}
          yReversed={quality === 'bpb'}
          xTitle={xWords}
          yTitle={quality === 'recall' ? 'accuracy' : 'bits per byte'}
          xTick={(v) => ms(v)}
        />
      </figure>
      {(speedMissing.length > 0 || qualityMissing.length > 0) && (
        <div className="row small" data-testid="tradeoff-missing">
          <span>Not measured at N = {count(N)} yet:</span>
          {speedMissing.length > 0 && (
            <button disabled={busy} onClick={() => runSweep(speedMissing.map((modelId) => ({ modelId, backend, contextLength: N })), speed === 'decode' ? true : undefined)} data-testid="tradeoff-measure-speed">
              measure {speed === 'forward' ? 'the forward' : 'decoding'} of {speedMissing.join(', ')}
            </button>
          )}
          {qualityMissing.length > 0 && (
            <button disabled={busy} onClick={() => runRecall({ at: N, modelIds: qualityMissing })} data-testid="tradeoff-measure-quality">
              run the recall probes at {count(N)} bytes on {qualityMissing.join(', ')}
            </button>
          )}
        </div>
      )}
      <TradeoffTable bubbles={all} />
    </section>
  );
}

function TradeoffTable({ bubbles: all }: { bubbles: Bubble[] }) {
  const manifests = useStore((s) => s.manifests);
  if (!all.length) return <p className="muted small">Pick one or more models.</p>;
  return (
    <table className="results" data-testid="tradeoff-table">
      <thead>
        <tr>
          {['model', 'speed', 'from', 'quality', 'from', 'memory', 'from', 'status'].map((c, i) => <th key={i}>{c}</th>)}
        </tr>
      </thead>
      <tbody>
        {all.map((b) => (
          <tr key={b.modelId} data-testid="tradeoff-row" data-model={b.modelId} className={b.cannot ? 'failed' : undefined}>
            <td>
              {b.modelId} <UntrainedTag m={manifests.find((m) => m.id === b.modelId)} />
            </td>
            <td data-testid="tradeoff-x" data-value={b.speed?.value ?? ''}>{b.speed ? ms(b.speed.value) : '—'}</td>
            <td className="muted">{b.speed?.from ?? b.missing.speed ?? ''}</td>
            <td data-testid="tradeoff-y" data-value={b.quality?.value ?? ''}>{b.quality ? qualityText(b.quality) : '—'}</td>
            <td className="muted">{b.quality?.from ?? b.missing.quality ?? ''}</td>
            <td data-testid="tradeoff-memory" data-value={b.memory.value}>{bytesLabel(b.memory.value)}{b.memory.measured ? '' : ' (est.)'}</td>
            <td className="muted">{b.memory.from}</td>
            <td data-testid="tradeoff-status">{b.cannot ? `cannot run at this N: ${b.cannot}` : b.speed && b.quality ? 'drawn' : 'not measured yet'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
