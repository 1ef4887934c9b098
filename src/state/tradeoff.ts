// The trade-off chart's data (LRA Figure 3, live), pure: one bubble per selected model at the N of the slider, from
// what this page has measured there: x = speed (ms per forward, or decode ms per byte), y = quality (recall accuracy
// measured here, or bits per byte from the model's own evaluation), area = memory (measured with the speed's point,
// else the cost model's estimate, labelled). A model that cannot run at N says why; a figure not measured yet says so
// and whether the page can measure it.
import { estimate } from '../catalog/costModel';
import { decodesAnyLength, latentsAt } from '../catalog/facts';
import type { Manifest } from '../catalog/manifest';
import { decodingLimit, EngineError, recallPlan, stateBytes, type BackendName } from '../engine';
import { decodedContext } from './selectors';
import { lengthCurve, settingsProblem, summarize, TASK_NAMES, THIS_PAGE, paramsText } from './recallData';
import type { PageState } from './types';

export type { TradeoffSettings } from './recallData';

export interface Figure {
  value: number;
  from: string; // where the figure comes from, in words
  lo?: number;
  hi?: number;
}

export interface Bubble {
  modelId: string;
  speed?: Figure;
  quality?: Figure;
  memory: Figure & { measured: boolean };
  cannot?: string; // why the model cannot run at N (it is drawn as such)
  missing: { speed?: string; quality?: string }; // not measured at N yet: why, in words
  canMeasure: { speed: boolean; quality: boolean }; // the page can measure it now
}

const n = (x: number) => x.toLocaleString('en-US');

/** What the bubbles are made of. */
export type TradeoffInputs = Pick<
  PageState,
  'context' | 'backend' | 'latents' | 'tradeoff' | 'selected' | 'manifests' | 'status' | 'points' | 'singles' | 'decodeRuns' | 'recallCells' | 'recall'
>;

/** The backend the chart's figures come from: the page's, or (auto) the one the first selected model runs on. */
export function tradeoffBackend(s: Pick<PageState, 'backend' | 'selected' | 'status'>): BackendName {
  if (s.backend !== 'auto') return s.backend;
  return s.selected.map((id) => s.status[id]?.loaded?.backend).find((b) => b) ?? 'wasm';
}


export function bubbles(s: TradeoffInputs): Bubble[] {
  const N = s.context;
  const backend = tradeoffBackend(s);
  const { speed, quality } = s.tradeoff;
  const measurable = s.tradeoff.quality === 'recall' && !settingsProblem(atLength(s, N)); // recall probes of N bytes can be made
  const models = s.selected.map((id) => s.manifests.find((m) => m.id === id)).filter((m): m is Manifest => !!m);
  return models.map((m): Bubble => {
    const M = latentsAt(m, N, s.latents);
    const b: Bubble = { modelId: m.id, memory: { value: 0, from: '', measured: false }, missing: {}, canMeasure: { speed: false, quality: false } };
    const cannot: string[] = [];
    const point = s.points.filter((p) => p.modelId === m.id && p.backend === backend && p.contextLength === N).at(-1);
    let measuredMemory: number | undefined;
    if (speed === 'forward') {
      if (N > m.config.maxContext) cannot.push(`reads at most ${n(m.config.maxContext)} bytes in one forward`);
      else if (point?.ok) {
        b.speed = { value: point.medianMs, from: `sweep median of ${point.samplesMs.length} runs` };
        measuredMemory = backend === 'webgpu' ? point.memory.gpuAllocatedPeakBytes : point.memory.wasmHeapBytes;
      } else if (point && point.failure.kind !== 'skipped') cannot.push(`its forward failed at N = ${n(N)}: ${point.failure.kind}`);
      else {
        const single = s.singles.filter((r) => r.modelId === m.id && r.backend === backend && r.contextLength === N).at(-1);
        if (single) b.speed = { value: single.latencyMs, from: 'one run (the slider), not a median' };
        else (b.missing.speed = 'forward not measured at N'), (b.canMeasure.speed = true);
      }
    } else {
      if (!m.step) cannot.push('has no step graph for cached decoding');
      else if (!decodesAnyLength(m) && N > decodingLimit(m)) cannot.push(`decodes at most ${n(decodingLimit(m))} positions`);
      else if (point?.decode?.ok) {
        b.speed = { value: point.decode.msPerByte, from: `sweep: mean of ${point.decode.stepsMs.length} decode steps` };
        measuredMemory = backend === 'webgpu' ? point.decode.memory.gpuAllocatedPeakBytes : point.decode.memory.wasmHeapBytes;
      } else if (point?.decode && !point.decode.ok) cannot.push(`its decoding failed at N = ${n(N)}: ${point.decode.failure.kind}`);
      else {
        const run = s.decodeRuns.filter((r) => r.modelId === m.id && r.backend === backend && decodedContext(r) === N && r.msPerByte !== undefined).at(-1);
        if (run) b.speed = { value: run.msPerByte!, from: `one Continue run: mean of ${run.stepMs.length - 1} decode steps` };
        else (b.missing.speed = 'decoding not measured at N'), (b.canMeasure.speed = true);
      }
    }
    if (quality === 'recall') {
      const plan = recallPlan(m, N);
      const curve = lengthCurve(s.recall);
      const cells = s.recallCells.filter((c) => c.source === THIS_PAGE && c.modelId === m.id && c.length === N && curve.matches(c));
      const sum = summarize(cells);
      if (plan instanceof EngineError) cannot.push(`cannot read a ${n(N)}-byte probe`);
      else if (sum.accuracy !== null) {
        const what = s.recall.task === 'mqar' ? paramsText({ pairs: s.recall.mqar.pairs, queries: s.recall.mqar.queries }) : s.recall.task === 'needle' ? 'every depth run' : '16 answer bytes';
        b.quality = { value: sum.accuracy, lo: sum.lo, hi: sum.hi, from: `recall accuracy measured in this page: ${TASK_NAMES[s.recall.task]} (${what}), ${sum.n} probes of ${n(N)} bytes` };
      } else {
        b.missing.quality = `no ${TASK_NAMES[s.recall.task]} probes of ${n(N)} bytes read yet`;
        b.canMeasure.quality = measurable;
      }
    } else {
      const points = m.evaluation?.heldOutBitsPerByte ?? [];
      const at = points.find((p) => p.context === N);
      if (at?.bpb !== undefined && at.bpb !== null)
        b.quality = { value: at.bpb, lo: at.lo, hi: at.hi, from: `bits per byte on held-out Brown from the model's evaluation (${m.evaluation!.command}), not measured here` };
      else if (at) cannot.push(`its evaluation has no bits per byte at N = ${n(N)}${at.note ? ` (${at.note})` : ''}`);
      else b.missing.quality = points.length ? `its evaluation has bits per byte at ${points.map((p) => n(p.context)).join(', ')} bytes, not at N` : 'its evaluation has no bits per byte (not a text model)';
    }
    if (cannot.length) b.cannot = cannot.join('; ');
    if (measuredMemory) b.memory = { value: measuredMemory, measured: true, from: backend === 'webgpu' ? 'GPU buffers allocated, measured with the speed' : 'WASM heap, measured with the speed' };
    else if (speed === 'decode' && m.step && N <= decodingLimit(m))
      b.memory = { value: estimate(m, 1, M).weightsBytes + stateBytes(m, N, M), measured: false, from: 'estimate: the weights and the decoding state at N' };
    else b.memory = { value: estimate(m, N, M).totalBytes, measured: false, from: "estimate: the cost model's, for one forward at N" };
    return b;
  });
}

/** The recall settings with N in the task's length curve (what "measure recall at N" runs). */
export function atLength(s: Pick<PageState, 'recall'>, N: number) {
  const r = s.recall;
  if (r.task === 'mqar') return { ...r, mqar: { ...r.mqar, axis: 'distance' as const, distances: [N] } };
  if (r.task === 'needle') return { ...r, needle: { ...r.needle, lengths: [N] } };
  return { ...r, mirrored: { lengths: [N] } };
}
