import { useState } from 'react';
import { MAX_RESULTS_FILE_BYTES } from '../state/foreign';
import { useStore } from '../state/store';
import { Info } from './Info';
import { provenanceLabel } from './provenanceText';

/** Results measured elsewhere (a link, an imported JSON file): where from, on what, and a re-run here to compare. */
export function ForeignPanel() {
  const foreign = useStore((s) => s.foreign);
  const sweeping = useStore((s) => s.sweeping);
  const [dragging, setDragging] = useState(false);
  const { compareHere, importResults, removeForeign } = useStore.getState();
  return (
    <section
      className={`panel foreign${dragging ? ' dragging' : ''}`}
      aria-label="Results from elsewhere"
      data-testid="foreign-panel"
      onDragOver={(e) => (e.preventDefault(), setDragging(true))}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        const f = e.dataTransfer.files[0];
        if (f) importResults(f);
      }}
    >
      <h2>
        Results from elsewhere{' '}
        <Info testId="foreign-info">
        Results from a link or from a JSON file exported here are checked first (median and p95 of their runs, N over the median, N within the model's limit,
        threads that fit the device; implausible results are refused with the reason), then drawn dotted with hollow dots, labelled with the device that measured
        them, and never mixed with this page's own.
        </Info>
      </h2>
      <div className="row small">
        <label className="file">
          Import results (JSON)…{' '}
          <input type="file" accept=".json,application/json" data-testid="import-results" onChange={(e) => (e.target.files?.[0] && importResults(e.target.files[0]), (e.target.value = ''))} />
        </label>
        <span className="muted">or drop one here (up to {MAX_RESULTS_FILE_BYTES / 2 ** 20} MiB)</span>
      </div>
      {foreign.length > 0 && (
        <ul className="small">
          {foreign.map((f) => {
            const devices = [...new Set(f.points.map((p) => provenanceLabel(p.provenance)))];
            return (
              <li key={f.source} data-testid="foreign-set">
                <b>{f.source}</b>: {f.points.length} point{f.points.length === 1 ? '' : 's'}, measured on {devices.join('; ')}{' '}
                <button onClick={() => compareHere(f.source)} disabled={sweeping} data-testid="compare-here" title="Measures the same models, backends and N on this device; both are drawn together">
                  Compare with this device
                </button>{' '}
                <button onClick={() => removeForeign(f.source)}>Remove</button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
