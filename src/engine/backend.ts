// WebGPU detection and the backend choice. "auto" picks WebGPU only on a hardware adapter: a software
// (fallback) adapter such as SwiftShader is far slower than WASM, so it must be asked for explicitly.
import type { BackendChoice, BackendName, DeviceInfo, GpuInfo } from './types';

const NONE: Omit<GpuInfo, 'available' | 'reason'> = {
  isFallbackAdapter: false,
  vendor: '',
  architecture: '',
  description: '',
  features: [],
  limits: { maxBufferSize: 0, maxStorageBufferBindingSize: 0 },
};

let cached: Promise<GpuInfo> | undefined;

export function detectWebGPU(): Promise<GpuInfo> {
  cached ??= (async (): Promise<GpuInfo> => {
    if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu)
      return { ...NONE, available: false, reason: 'This browser has no WebGPU (navigator.gpu is missing; it needs a secure context such as https or localhost).' };
    let adapter: GPUAdapter | null = null;
    try {
      adapter = await navigator.gpu.requestAdapter();
    } catch (e) {
      return { ...NONE, available: false, reason: `requestAdapter failed: ${(e as Error).message}` };
    }
    if (!adapter) return { ...NONE, available: false, reason: 'navigator.gpu exists but no adapter was granted (blocklisted GPU or disabled WebGPU).' };
    const info = adapter.info ?? ({} as GPUAdapterInfo);
    return {
      available: true,
      isFallbackAdapter: isSoftwareAdapter(info, (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter),
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      description: info.description ?? '',
      features: [...adapter.features].sort(),
      limits: { maxBufferSize: adapter.limits.maxBufferSize, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize },
    };
  })();
  return cached;
}

type AdapterNames = Partial<Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'description' | 'isFallbackAdapter'>>;

/** A fallback adapter by its flag (on the info, or on older browsers the adapter), or by its name. */
export const isSoftwareAdapter = (info: AdapterNames, adapterFlag?: boolean) =>
  Boolean(info.isFallbackAdapter ?? adapterFlag) || /swiftshader|llvmpipe|software/i.test(`${info.vendor} ${info.architecture} ${info.description}`);

/** The adapter and limits of the device a session really runs on (the worker's, not the page's). */
export function deviceInfo(device: GPUDevice): DeviceInfo {
  const info: AdapterNames = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    isFallbackAdapter: isSoftwareAdapter(info),
    maxBufferSize: device.limits.maxBufferSize,
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
  };
}

export async function resolveBackend(choice: BackendChoice): Promise<BackendName> {
  if (choice !== 'auto') return choice;
  const gpu = await detectWebGPU();
  return gpu.available && !gpu.isFallbackAdapter ? 'webgpu' : 'wasm';
}
