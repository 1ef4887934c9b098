import { useState } from 'react';
import { sharedState, useStore } from '../state/store';
import { encodeState } from '../state/urlCodec';
import { cancelUrlSync } from '../state/urlSync';

function download(name: string, blob: Blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function toCsv(): string {
  const rows = ['model,backend,context,latents,ok,median_ms,p95_ms,first_run_ms,bytes_per_s,gpu_peak_bytes,wasm_heap_bytes,estimate_bytes,failure'];
  for (const p of useStore.getState().points)
    rows.push(
      [p.modelId, p.backend, p.contextLength, p.numLatents ?? '', p.ok ? 1 : 0, p.ok ? p.medianMs : '', p.ok ? p.p95Ms : '', p.ok ? p.firstRunMs : '', p.ok ? p.tokensPerSec : '', p.ok ? p.memory.gpuAllocatedPeakBytes ?? '' : '', p.ok ? p.memory.wasmHeapBytes ?? '' : '', p.estimate?.totalBytes ?? '', p.ok ? '' : JSON.stringify(`${p.failure.kind}: ${p.failure.message}`)].join(','),
    );
  return rows.join('\n') + '\n';
}

/** Draws every chart's SVG onto one canvas and saves it as PNG. */
async function chartsPng() {
  const svgs = [...document.querySelectorAll<SVGSVGElement>('.chart svg.recharts-surface')];
  if (!svgs.length) return;
  const w = Math.max(...svgs.map((s) => s.clientWidth));
  const hs = svgs.map((s) => s.clientHeight);
  const canvas = Object.assign(document.createElement('canvas'), { width: w, height: hs.reduce((a, b) => a + b, 0) });
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  let y = 0;
  for (const [i, svg] of svgs.entries()) {
    const img = new Image();
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
    await img.decode();
    ctx.drawImage(img, 0, y);
    y += hs[i];
  }
  canvas.toBlob((b) => b && download('lcp-charts.png', b), 'image/png');
}

export function SharePanel() {
  const [msg, setMsg] = useState('');
  const copy = async (run: boolean) => {
    try {
      const url = `${location.origin}${location.pathname}#${encodeState(sharedState(run))}`;
      cancelUrlSync();
      history.replaceState(null, '', url);
      await navigator.clipboard?.writeText(url).catch(() => undefined);
      setMsg(`Link copied (${url.length.toLocaleString()} characters)${run ? '; opening it re-runs the models' : ''}.`);
    } catch (e) {
      setMsg((e as Error).message);
    }
  };
  return (
    <div className="share">
      <button onClick={() => copy(false)} data-testid="copy-link">Copy link</button>
      <button onClick={() => copy(true)} data-testid="copy-link-run">Copy link (re-run on open)</button>
      <button onClick={() => download('lcp-results.csv', new Blob([toCsv()], { type: 'text/csv' }))}>CSV</button>
      <button onClick={() => download('lcp-results.json', new Blob([JSON.stringify(useStore.getState().points, null, 1)], { type: 'application/json' }))}>JSON</button>
      <button onClick={chartsPng}>Charts PNG</button>
      {msg && <span className="small muted" data-testid="share-message">{msg}</span>}
    </div>
  );
}
