import { useState } from 'react';
import { useStore } from '../state/store';
import { download, pointsCsv, pointsJson, sourcedPoints } from './download';

/** Links and exports. The address bar always holds the current link; these buttons copy it. */
export function SharePanel() {
  const [msg, setMsg] = useState('');
  const shareResults = useStore((s) => s.shareResults);
  const hasPoints = useStore((s) => s.points.length > 0 || s.foreign.length > 0);
  const linkNote = useStore((s) => s.linkNote);
  const { setShareResults, writeLink } = useStore.getState();
  const copy = async (run: boolean) => {
    try {
      const url = writeLink(run);
      const copied = await navigator.clipboard?.writeText(url).then(
        () => true,
        () => false,
      );
      setMsg(`Link copied${copied ? '' : ' into the address bar (the clipboard refused it: copy it from there)'} (${url.length.toLocaleString('en-US')} characters)${run ? '; opening it re-runs the models' : ''}.`);
    } catch (e) {
      setMsg((e as Error).message);
    }
  };
  const exportAs = (kind: 'csv' | 'json') => {
    const { points, foreign, gpu } = useStore.getState();
    if (kind === 'csv') download('lcp-results.csv', new Blob([pointsCsv(sourcedPoints(points, foreign))], { type: 'text/csv' }));
    else download('lcp-results.json', new Blob([pointsJson(points, foreign, gpu)], { type: 'application/json' }));
  };
  return (
    <div className="share">
      <button onClick={() => copy(false)} data-testid="copy-link" title="Every setting, and a typed text up to 256 KiB compressed; presets travel by name">Copy link</button>
      <button onClick={() => copy(true)} data-testid="copy-link-run" title="Copy a link that re-runs the models when it is opened">Link + re-run</button>
      <label className="small" title="Share links carry the sweep results too, so the charts open as they are here">
        <input type="checkbox" checked={shareResults} onChange={(e) => setShareResults(e.target.checked)} data-testid="share-results" /> results in link
      </label>
      <button onClick={() => exportAs('csv')} disabled={!hasPoints} data-testid="export-csv">CSV</button>
      <button onClick={() => exportAs('json')} disabled={!hasPoints} data-testid="export-json">JSON</button>
      {(msg || linkNote) && (
        <span className="small muted share-message" data-testid="share-message" role="status">
          {msg} {linkNote}
        </span>
      )}
    </div>
  );
}
