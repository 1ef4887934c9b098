// Provenance in words: a compact label for the table and the full list for a point's details.
import type { EpBuild, Provenance } from '../engine';
import { bytesLabel } from './format';

export const EP_LABEL: Record<EpBuild, string> = { wasm: 'WASM', 'webgpu-jsep': 'WebGPU (JSEP)', 'webgpu-native': 'WebGPU (native EP)' };

/** "Chrome 156 · Linux x86-64 · 2 threads": enough to tell two devices apart in a table row. */
export function provenanceLabel(p?: Provenance): string {
  if (!p) return 'not recorded';
  const browser = p.browser.replace(/^(\S+(?: \S+)*?) (\d+)[\d.]*$/, '$1 $2');
  return `${browser} · ${p.platform} · ${p.hardwareThreads} thread${p.hardwareThreads === 1 ? '' : 's'}`;
}

/** Where a result from elsewhere comes from: "from a link: measured on Chrome 156 · Linux · 8 threads". */
export const originLabel = (source: string, p?: Provenance) => `${source}: measured on ${p ? provenanceLabel(p) : 'an unrecorded device'}`;

/** The GPU device in one line: names, software or not, the two limits that decide what fits. */
export function gpuText(p: Provenance): string | undefined {
  const g = p.gpu;
  if (!g) return undefined;
  const name = [g.vendor, g.architecture, g.description].filter(Boolean).join(' / ') || 'unnamed adapter';
  return `${name}${g.isFallbackAdapter ? ' (software fallback adapter: its times say nothing about a GPU)' : ' (hardware adapter)'}; max buffer ${bytesLabel(g.maxBufferSize)}, max storage binding ${bytesLabel(g.maxStorageBufferBindingSize)}`;
}

/** Every recorded fact, as label/value pairs. */
export function provenanceRows(p?: Provenance): [string, string][] {
  if (!p) return [['measured on', 'not recorded (a result shared before provenance was recorded)']];
  const rows: [string, string][] = [
    ['browser', p.browser],
    ['platform', p.platform],
    ['hardware threads', String(p.hardwareThreads)],
    ['cross-origin isolated', p.crossOriginIsolated ? 'yes' : 'no (WASM runs one thread)'],
    ['execution provider', EP_LABEL[p.ep]],
    ['WASM threads', p.ep === 'wasm' ? String(p.wasmThreads) : '— (ran on WebGPU)'],
  ];
  const gpu = gpuText(p);
  if (gpu) rows.push(['GPU adapter', gpu]);
  rows.push(['onnxruntime-web', p.ort], ['playground', p.app], ['measured at', p.measuredAt]);
  return rows;
}
