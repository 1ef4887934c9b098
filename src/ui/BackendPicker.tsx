import { type BackendChoice, defaultWasmThreads, type GpuInfo, isolation } from '../engine';
import { useStore } from '../state/store';
import { bytesLabel } from './format';

/** What auto will pick here, in words (the engine's rule: WebGPU only on a hardware adapter). */
const autoPick = (gpu?: GpuInfo) => (!gpu ? '' : gpu.available && !gpu.isFallbackAdapter ? ' → WebGPU here' : ' → WASM here');

function AdapterInfo({ gpu }: { gpu?: GpuInfo }) {
  if (!gpu) return <span className="adapter" data-testid="adapter-info">detecting WebGPU…</span>;
  if (!gpu.available) return <span className="adapter" data-testid="adapter-info">No WebGPU: {gpu.reason}</span>;
  const name = [gpu.vendor, gpu.architecture, gpu.description].filter(Boolean).join(' / ') || 'unnamed adapter';
  return (
    <span className="adapter" data-testid="adapter-info">
      WebGPU: {name}
      {gpu.isFallbackAdapter ? (
        <b className="warn" data-testid="adapter-fallback"> — software fallback adapter (runs on the CPU, slower than WASM; auto uses WASM)</b>
      ) : (
        ' — hardware adapter'
      )}
      ; max buffer {bytesLabel(gpu.limits.maxBufferSize)}, max storage binding {bytesLabel(gpu.limits.maxStorageBufferBindingSize)}
      {gpu.features.length > 0 && (
        <details className="features">
          <summary>{gpu.features.length} features</summary>
          {gpu.features.join(', ')}
        </details>
      )}
    </span>
  );
}

/** Whether WASM runs multithreaded here, and why (headers, the service worker) or why not. */
function IsolationInfo() {
  const i = isolation();
  return (
    <span className={`adapter${i.isolated ? '' : ' warn'}`} data-testid="isolation">
      {i.isolated
        ? `Cross-origin isolated (${i.via === 'service-worker' ? 'through a service worker: this host sends no COOP/COEP headers' : 'the server sends COOP/COEP'}): WASM runs ${i.wasmThreads} thread${i.wasmThreads === 1 ? '' : 's'}.`
        : `Not cross-origin isolated, so WASM runs single-threaded here (1 thread): ${i.reason}.`}
    </span>
  );
}

/** The backend choice in the header; what it runs on here in one line, the adapter and engine settings one click away. */
export function BackendPicker() {
  const backend = useStore((s) => s.backend);
  const gpu = useStore((s) => s.gpu);
  const { setBackend } = useStore.getState();
  const i = isolation();
  const wasm = i.isolated ? `WASM ${i.wasmThreads} thread${i.wasmThreads === 1 ? '' : 's'}` : 'WASM 1 thread (not isolated)';
  const webgpu = !gpu ? 'WebGPU?' : !gpu.available ? 'no WebGPU' : gpu.isFallbackAdapter ? 'WebGPU: software only' : 'WebGPU: hardware';
  return (
    <div className="backend">
      <label>
        Backend{' '}
        <select data-testid="backend-select" value={backend} onChange={(e) => setBackend(e.target.value as BackendChoice)}>
          <option value="auto" title="WebGPU on a hardware adapter, else WASM">{`auto${autoPick(gpu)}`}</option>
          <option value="webgpu" disabled={gpu ? !gpu.available : false}>WebGPU</option>
          <option value="wasm">WASM (CPU)</option>
        </select>
      </label>
      <details className="engine-settings">
        <summary className="small muted" data-testid="engine-summary" title="The adapter, isolation, the WebGPU build and WASM threads">
          {wasm} · {webgpu}
        </summary>
        <div className="engine-settings-body">
          <EngineSettingsPicker />
          <AdapterInfo gpu={gpu} />
          <IsolationInfo />
        </div>
      </details>
    </div>
  );
}

/** The WebGPU EP build and the WASM thread count; every result records what ran. */
function EngineSettingsPicker() {
  const settings = useStore((s) => s.engineSettings);
  const canChange = useStore((s) => !!s.makeEngine);
  const { setEngineSettings } = useStore.getState();
  const cores = typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency || 1;
  const isolated = typeof self !== 'undefined' && self.crossOriginIsolated;
  return (
    <>
      <label title="JSEP was faster than the native WebGPU EP at every point measured on this project's software adapter (src/engine/README.md); on a real GPU the order may differ">
        WebGPU build{' '}
        <select
          data-testid="webgpu-impl"
          value={settings.webgpuImpl}
          disabled={!canChange}
          onChange={(e) => setEngineSettings({ ...settings, webgpuImpl: e.target.value as 'jsep' | 'native' })}
        >
          <option value="jsep">JSEP (default)</option>
          <option value="native">native WebGPU EP</option>
        </select>
      </label>
      <label title={isolated ? 'threads per model worker; the page runs the selected models side by side' : 'this page is not cross-origin isolated: WASM runs one thread'}>
        WASM threads{' '}
        <select
          data-testid="wasm-threads"
          value={settings.wasmThreads ?? 0}
          disabled={!canChange || !isolated}
          onChange={(e) => setEngineSettings({ ...settings, wasmThreads: Number(e.target.value) || undefined })}
        >
          <option value={0}>{`auto (${defaultWasmThreads(cores)} of ${cores})`}</option>
          {Array.from({ length: cores }, (_, i) => i + 1).map((t) => (
            <option key={t} value={t}>{t}</option>
          ))}
        </select>
      </label>
    </>
  );
}
