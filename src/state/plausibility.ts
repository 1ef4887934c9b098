// Results from a link or a file are checked before they are drawn. Each point's figures must agree with each other
// (median and p95 are those of its timed runs, throughput is N over the median, threads fit the device) and with
// what this page knows of the model (N within its limit, latents only where the model has them). A time no
// onnxruntime-web run can reach, or a compute rate past any device, is refused too.
import { estimate } from '../catalog/costModel';
import type { Manifest } from '../catalog/manifest';
import { takesLatents } from '../catalog/facts';
import { type DecodePointOk, type MeasurePoint, median, quantile } from '../engine';

/** No session.run of onnxruntime-web (tensors in, logits out) finishes faster than this. */
export const MIN_RUN_MS = 0.01;
/** A forward pass implying more float32 FLOP/s than this is beyond any device (the fastest GPUs: ~1e14). */
export const MAX_FLOPS_PER_S = 1e15;
const TOLERANCE = 0.01; // figures rounded for display elsewhere still agree within 1%

const near = (a: number, b: number) => Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b), 1e-9);
const n = (x: number) => x.toLocaleString('en-US', { maximumSignificantDigits: 4 });

/** What is wrong with one point, in words; [] when it is plausible. */
export function pointProblems(p: MeasurePoint, m: Manifest | undefined, now = Date.now()): string[] {
  if (!m) return ['this page has no such model'];
  const out: string[] = [];
  const at = p.provenance?.measuredAt ? Date.parse(p.provenance.measuredAt) : undefined;
  if (at !== undefined && at > now + 86_400_000) out.push(`measured in the future (${p.provenance!.measuredAt})`);
  if (p.provenance && (p.backend === 'wasm') !== (p.provenance.ep === 'wasm')) out.push(`ran on ${p.backend} but records the ${p.provenance.ep} build`);
  if (takesLatents(m) ? !p.numLatents || p.numLatents > p.contextLength : p.numLatents !== undefined)
    out.push(takesLatents(m) ? `latents ${p.numLatents ?? 'missing'} do not fit N` : 'latents given for a model without latents');
  if (p.decode?.ok) out.push(...decodeProblems(p.decode, p.contextLength).map((x) => `decoding: ${x}`));
  if (!p.ok) return out;
  if (p.contextLength > m.config.maxContext) out.push(`N is beyond the model's limit of ${n(m.config.maxContext)} bytes`);
  if (!p.samplesMs.length) return [...out, 'no timed runs'];
  if (!(p.p95Ms >= p.medianMs)) out.push(`p95 ${n(p.p95Ms)} ms is below the median ${n(p.medianMs)} ms`);
  if (!near(p.medianMs, median(p.samplesMs))) out.push(`median ${n(p.medianMs)} ms is not the median of its ${p.samplesMs.length} runs (${n(median(p.samplesMs))} ms)`);
  if (!near(p.p95Ms, quantile(p.samplesMs, 0.95))) out.push(`p95 ${n(p.p95Ms)} ms is not the p95 of its runs (${n(quantile(p.samplesMs, 0.95))} ms)`);
  const rate = p.contextLength / (p.medianMs / 1000);
  if (!near(p.bytesPerSec, rate)) out.push(`throughput ${n(p.bytesPerSec)} bytes/s is not N / median (${n(rate)} bytes/s)`);
  if (Math.min(...p.samplesMs, p.medianMs) < MIN_RUN_MS) out.push(`a forward pass in under ${MIN_RUN_MS * 1000} µs`);
  const flops = estimate(m, p.contextLength, p.numLatents).flops / (p.medianMs / 1000);
  if (flops > MAX_FLOPS_PER_S) out.push(`${n(flops / 1e12)} TFLOP/s, past any device (the fastest GPUs reach about 100 in float32)`);
  const v = p.provenance;
  if (v) {
    if (p.wasmThreads !== v.wasmThreads) out.push(`${p.wasmThreads} WASM threads, but its provenance says ${v.wasmThreads}`);
    if (!v.crossOriginIsolated && v.wasmThreads > 1) out.push(`${v.wasmThreads} WASM threads without cross-origin isolation`);
    if (v.hardwareThreads > 0 && v.wasmThreads > v.hardwareThreads) out.push(`${v.wasmThreads} WASM threads on ${v.hardwareThreads} hardware threads`);
  }
  return out;
}

function decodeProblems(d: DecodePointOk, N: number): string[] {
  const out: string[] = [];
  if (d.promptBytes + d.stepsMs.length !== N) out.push(`a ${n(d.promptBytes)}-byte prompt and ${d.stepsMs.length} steps do not end at N`);
  const mean = d.stepsMs.reduce((a, b) => a + b, 0) / d.stepsMs.length;
  if (!near(d.msPerByte, mean)) out.push(`${n(d.msPerByte)} ms per byte is not the mean of its steps (${n(mean)} ms)`);
  if (!near(d.medianMs, median(d.stepsMs))) out.push(`median ${n(d.medianMs)} ms is not the median of its steps`);
  if (!near(d.p95Ms, quantile(d.stepsMs, 0.95))) out.push(`p95 ${n(d.p95Ms)} ms is not the p95 of its steps`);
  if (Math.min(...d.stepsMs, d.prefillMs) < MIN_RUN_MS) out.push(`a step in under ${MIN_RUN_MS * 1000} µs`);
  return out;
}

/** Problems across a set of points, each named ("transformer-tiny on wasm at N = 256: …"); [] when all are plausible. */
export function resultProblems(points: MeasurePoint[], manifests: Manifest[], now = Date.now()): string[] {
  const byId = new Map(manifests.map((m) => [m.id, m]));
  return points.flatMap((p) => pointProblems(p, byId.get(p.modelId), now).map((x) => `${p.modelId} on ${p.backend} at N = ${n(p.contextLength)}: ${x}`));
}

/** The message that refuses a set of results: how many problems, and the first few. */
export function refusal(what: string, problems: string[], total: number): string {
  const shown = problems.slice(0, 3).join('; ');
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
  return `${what} were refused, so none of them is drawn: ${total === 1 ? 'its point is' : `of its ${total} points, some are`} implausible (${shown}${more}).`;
}
