import { useStore } from '../state/store';
import { bytesLabel, count, ms } from './format';

export function ResultsTable() {
  const points = useStore((s) => s.points);
  if (!points.length) return null;
  return (
    <table className="results" data-testid="results-table">
      <thead>
        <tr>
          <th>model</th><th>backend</th><th>N</th><th>median</th><th>p95</th><th>first run</th><th>bytes/s</th><th>measured memory</th><th>estimate</th><th>status</th>
        </tr>
      </thead>
      <tbody>
        {points.map((p) => (
          <tr key={`${p.modelId}|${p.backend}|${p.contextLength}|${p.numLatents}`} className={p.ok ? '' : 'failed'}>
            <td>{p.modelId}{p.numLatents ? ` (M=${p.numLatents})` : ''}</td>
            <td>{p.backend}{p.ok && p.backend === 'wasm' ? ` ×${p.wasmThreads}` : ''}</td>
            <td>{count(p.contextLength)}</td>
            <td>{p.ok ? ms(p.medianMs) : ''}</td>
            <td>{p.ok ? ms(p.p95Ms) : ''}</td>
            <td>{p.ok ? ms(p.firstRunMs) : ''}</td>
            <td>{p.ok ? count(Math.round(p.tokensPerSec)) : ''}</td>
            <td>
              {p.ok
                ? p.backend === 'webgpu'
                  ? `GPU peak ${bytesLabel(p.memory.gpuAllocatedPeakBytes ?? 0)}`
                  : p.memory.wasmHeapBytes
                    ? `WASM heap ${bytesLabel(p.memory.wasmHeapBytes)}`
                    : 'n/a'
                : ''}
            </td>
            <td>{p.estimate ? `${bytesLabel(p.estimate.totalBytes)} (est.)` : ''}</td>
            <td>{p.ok ? `${p.samplesMs.length} runs` : `failed at ${count(p.contextLength)}: ${p.failure.kind} — ${p.failure.message}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
