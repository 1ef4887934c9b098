import { setBackend, useStore } from '../state/store';
import type { BackendChoice } from '../engine/types';
import { bytesLabel } from './format';

export function BackendPicker() {
  const backend = useStore((s) => s.backend);
  const gpu = useStore((s) => s.gpu);
  return (
    <div className="backend">
      <label>
        Backend{' '}
        <select data-testid="backend-select" value={backend} onChange={(e) => setBackend(e.target.value as BackendChoice)}>
          <option value="auto">auto (WebGPU on a hardware adapter, else WASM)</option>
          <option value="webgpu">WebGPU</option>
          <option value="wasm">WASM (CPU)</option>
        </select>
      </label>
      <span className="adapter" data-testid="adapter-info">
        {!gpu
          ? 'detecting WebGPU…'
          : gpu.available
            ? `WebGPU: ${[gpu.vendor, gpu.architecture, gpu.description].filter(Boolean).join(' / ') || 'unnamed adapter'}${gpu.isFallbackAdapter ? ' — software fallback adapter (slow; auto uses WASM)' : ''}; max buffer ${bytesLabel(gpu.limits.maxBufferSize)}, max binding ${bytesLabel(gpu.limits.maxStorageBufferBindingSize)}`
            : `No WebGPU: ${gpu.reason}`}
      </span>
    </div>
  );
}
