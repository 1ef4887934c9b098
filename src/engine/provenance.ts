// Where a result was measured (types.ts Provenance): the page's side (browser, platform, hardware threads,
// cross-origin isolation) read once; the session's side (EP build, WASM threads, the GPU device) from the worker;
// the onnxruntime-web and project versions fixed at build time; the time.
import type { BackendName, DeviceInfo, EpBuild, GpuInfo, Provenance } from './types';

declare const __APP_VERSION__: string | undefined;
declare const __ORT_VERSION__: string | undefined;
// vite.config.ts defines both; outside a Vite build (scripts run by tsx) they are unknown
export const APP_VERSION = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'unknown';
export const ORT_VERSION = typeof __ORT_VERSION__ === 'string' ? __ORT_VERSION__ : 'unknown';

interface Brand {
  brand: string;
  version: string;
}
interface UAData {
  brands: Brand[];
  platform: string;
  getHighEntropyValues?(hints: string[]): Promise<{ fullVersionList?: Brand[]; architecture?: string; bitness?: string }>;
}

/** The browser's name and version: a real brand from client hints (not "Chromium" when a product is named), else the user agent. */
export function browserName(ua: string, brands?: Brand[]): string {
  const named = brands?.filter((b) => !/not.?a.?brand/i.test(b.brand)) ?? [];
  const pick = named.find((b) => b.brand !== 'Chromium') ?? named[0];
  if (pick) return `${pick.brand} ${pick.version}`;
  for (const re of [/(Firefox)\/([\d.]+)/, /(Edg)\/([\d.]+)/, /(OPR)\/([\d.]+)/, /(HeadlessChrome|Chromium|Chrome)\/([\d.]+)/]) {
    const m = re.exec(ua);
    if (m) return `${m[1] === 'Edg' ? 'Edge' : m[1] === 'OPR' ? 'Opera' : m[1]} ${m[2]}`;
  }
  const safari = /Version\/([\d.]+).*Safari/.exec(ua);
  return safari ? `Safari ${safari[1]}` : ua.slice(0, 80) || 'unknown browser';
}

type PageSide = Pick<Provenance, 'browser' | 'platform' | 'hardwareThreads' | 'crossOriginIsolated'>;
let page: Promise<PageSide> | undefined;

function pageSide(): Promise<PageSide> {
  page ??= (async () => {
    const data = (navigator as { userAgentData?: UAData }).userAgentData;
    const high = await data?.getHighEntropyValues?.(['fullVersionList', 'architecture', 'bitness']).catch(() => undefined);
    const arch = high?.architecture ? ` ${high.architecture}${high.bitness ? `-${high.bitness}` : ''}` : '';
    return {
      browser: browserName(navigator.userAgent, high?.fullVersionList ?? data?.brands),
      platform: data?.platform ? `${data.platform}${arch}` : navigator.platform || 'unknown platform',
      hardwareThreads: navigator.hardwareConcurrency || 0,
      crossOriginIsolated: self.crossOriginIsolated,
    };
  })();
  return page;
}

const asDevice = (g: GpuInfo): DeviceInfo => ({
  vendor: g.vendor,
  architecture: g.architecture,
  description: g.description,
  isFallbackAdapter: g.isFallbackAdapter,
  maxBufferSize: g.limits.maxBufferSize,
  maxStorageBufferBindingSize: g.limits.maxStorageBufferBindingSize,
});

/**
 * The provenance of a result measured now. `session`: what the worker reported once its session existed; without
 * one (a point refused before it ran) the page's adapter stands in for the device.
 */
export async function provenance(
  backend: BackendName,
  session: { webgpuImpl?: 'jsep' | 'native'; wasmThreads: number; device?: DeviceInfo },
  pageGpu?: GpuInfo,
): Promise<Provenance> {
  const ep: EpBuild = backend === 'wasm' ? 'wasm' : session.webgpuImpl === 'native' ? 'webgpu-native' : 'webgpu-jsep';
  const gpu = backend === 'webgpu' ? (session.device ?? (pageGpu?.available ? asDevice(pageGpu) : undefined)) : undefined;
  return {
    ...(await pageSide()),
    ep,
    wasmThreads: backend === 'wasm' ? session.wasmThreads : 0,
    ...(gpu ? { gpu } : {}),
    ort: ORT_VERSION,
    app: APP_VERSION,
    measuredAt: new Date().toISOString(),
  };
}
