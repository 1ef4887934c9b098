import { useMemo } from 'react';
import { recallPoints, settingsProblem } from '../../state/recallData';
import { useStore } from '../../state/store';
import { download } from '../download';
import { saveChartsPng } from '../exportPng';
import { count, ms } from '../format';
import { NeedleHeatmap } from './NeedleHeatmap';
import { ProbeView } from './ProbeView';
import { RecallChart } from './RecallChart';
import { recallCsv, recallJson } from './recallExport';
import { RecallSettings } from './RecallSettings';
import { RecallTable } from './RecallTable';

/** The recall panel: probes no model trained on (src/tasks), read by every selected model in its worker, scored. */
export function RecallPanel() {
  const running = useStore((s) => s.recallRunning);
  const progress = useStore((s) => s.recallProgress);
  const message = useStore((s) => s.recallMessage);
  const settings = useStore((s) => s.recall);
  const hasCells = useStore((s) => s.recallCells.length > 0);
  const { runRecall, stopRecall, clearRecall } = useStore.getState();
  const problem = useMemo(() => settingsProblem(settings), [settings]);
  const exportAs = (kind: 'csv' | 'json') => {
    const { recallCells, recall } = useStore.getState();
    if (kind === 'csv') download('lcp-recall.csv', new Blob([recallCsv(recallCells)], { type: 'text/csv' }));
    else download('lcp-recall.json', new Blob([recallJson(recallCells, recall)], { type: 'application/json' }));
  };
  return (
    <section className="panel recall" aria-label="Recall">
      <h2>Recall at distance</h2>
      <details className="small muted">
        <summary>How the probes are made and scored</summary>
        <p>
          The page makes probes no model trained on with the project's task generator (the one the offline evaluation uses: the same seeds give the same bytes;
          the needle's filler is held-out Brown). Each selected model reads each probe in its own worker: one forward when the probe fits its one-shot limit,
          else cached decoding through its step graph (the bytes before the first answer as a prefill, then one true byte at a time). An answer byte counts when
          it is the model's top prediction given the true bytes before it (teacher forcing); a probe is right when every answer byte is. Accuracy is the
          fraction of probes right, with its Wilson 95% interval: the definition the models' own evaluation uses (their manifests' recall curves, drawn
          dashed), so the two compare. Perceiver AR reads with its trained latents, at least 64 (every answer lies in a probe's last
          64 bytes). Chance for a two-digit answer: 1/100.
        </p>
      </details>
      <RecallSettings />
      <div className="row">
        {running ? (
          <button onClick={stopRecall} data-testid="recall-stop">Stop</button>
        ) : (
          <button className="primary" onClick={() => runRecall()} data-testid="recall-run" title={problem}>
            Run probes
          </button>
        )}
        <span className="small muted">{recallPoints(settings).length} points × {count(settings.probes || 0)} probes × each selected model</span>
        <button onClick={clearRecall} disabled={running || !hasCells} data-testid="recall-clear">Clear</button>
        <button onClick={() => exportAs('csv')} disabled={!hasCells} data-testid="recall-csv">CSV</button>
        <button onClick={() => exportAs('json')} disabled={!hasCells} data-testid="recall-json">JSON</button>
        <button onClick={() => saveChartsPng(document.querySelectorAll<HTMLElement>('section.recall figure.chart'), 'lcp-recall.png')} disabled={!hasCells} data-testid="recall-png">PNG</button>
      </div>
      {progress && progress.total > 0 && (
        <div className="small" role="status">
          <progress max={progress.total} value={progress.done} data-testid="recall-progress" /> {count(progress.done)}/{count(progress.total)} probes
          {running && progress.current ? ` — ${progress.current.modelId} at ${count(progress.current.length)} bytes` : ''}
          {progress.lastMs !== undefined ? ` · last probe ${ms(progress.lastMs)}` : ''}
        </div>
      )}
      {message && (
        <p className={message.kind === 'error' ? 'error small' : 'small'} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="recall-message">
          {message.text}
        </p>
      )}
      <div className="chart-grid">
        <RecallChart />
        {settings.task === 'needle' && <NeedleHeatmap />}
      </div>
      <RecallTable />
      <ProbeView />
    </section>
  );
}
