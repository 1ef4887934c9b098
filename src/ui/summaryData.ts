// The summary of the selected models: bits per byte over the SAME bytes for every model (the bytes all of them
// scored on this input), next to what each scored on its own, its window, its time and its memory. Pure, so the
// unit tests check what the table holds.
import type { Manifest } from '../catalog/manifest';
import type { BackendName, FailureKind, MeasurePoint, MemoryEstimate, Prediction } from '../engine';
import { isUntrained } from './modelTags';
import { firstScored } from './surprisalDiff';

/** What the table needs of one selected model. */
export interface SummaryInput {
  id: string;
  manifest?: Manifest;
  prediction?: Prediction;
  sameInput: boolean; // the prediction was made on the input the page holds now
  busy?: boolean;
  error?: string;
  errorKind?: FailureKind;
  refused?: boolean; // refused before running (the error says why)
  run?: { first?: boolean; estimate: MemoryEstimate }; // the slider run behind the prediction
  point?: MeasurePoint; // a sweep point of this page at the same model, backend, N and M: measured memory
}

export interface SummaryRow {
  id: string;
  name: string;
  untrained: boolean;
  prediction?: Prediction;
  /** Mean bits per byte over the shared bytes; undefined when the model is not part of the comparison. */
  sharedBpb?: number;
  /** Its own figure: all the bytes it scored. */
  ownBpb?: number;
  ownBytes?: number;
  ownFrom?: number; // input offset of its first scored byte
  window?: number;
  backend?: BackendName;
  latencyMs?: number;
  first?: boolean;
  memory?: { bytes: number; measured: boolean; what: string };
  pastTraining?: number; // the training length it ran past
  clipped?: string;
  busy?: boolean;
  error?: string;
  errorKind?: FailureKind;
  refused?: boolean;
  otherInput?: boolean; // its prediction is from an earlier input: not compared
}

export interface Summary {
  rows: SummaryRow[];
  /** The bytes every compared model scored: input offsets [from, to). Absent when fewer than one model ran. */
  shared?: { from: number; to: number };
  /** Models that ran on this input but scored no byte in common with the others (e.g. one reads the first N bytes). */
  apart: string[];
}

const mean = (xs: ArrayLike<number>, from: number, to: number) => {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i];
  return s / (to - from);
};

/** Measured memory of a sweep point, in words: GPU buffers on WebGPU, the WASM heap on WASM. */
function measured(p: MeasurePoint | undefined): SummaryRow['memory'] {
  if (!p?.ok) return undefined;
  const b = p.backend === 'webgpu' ? p.memory.gpuAllocatedPeakBytes : p.memory.wasmHeapBytes;
  return b ? { bytes: b, measured: true, what: p.backend === 'webgpu' ? 'GPU buffers, sweep' : 'WASM heap, sweep' } : undefined;
}

export function summarize(inputs: SummaryInput[]): Summary {
  const compared = inputs.filter((x) => x.prediction && x.sameInput && x.prediction.surprisalBits.length > 0);
  // the bytes every compared model scored; a model that shares none with the rest is left apart (greedy from each
  // model in turn, the largest group kept: a model that reads the first N bytes must not push out all the others)
  const range = (x: SummaryInput) => [firstScored(x.prediction!), firstScored(x.prediction!) + x.prediction!.surprisalBits.length];
  let best = { from: 0, to: 0, apart: compared.map((x) => x.id) };
  for (const seed of compared) {
    let [from, to] = range(seed);
    const apart: string[] = [];
    for (const x of compared) {
      const [f, t] = range(x);
      if (Math.min(to, t) > Math.max(from, f)) [from, to] = [Math.max(from, f), Math.min(to, t)];
      else apart.push(x.id);
    }
    if (apart.length < best.apart.length) best = { from, to, apart };
  }
  const apart = best.apart;
  const shared = compared.length > apart.length ? { from: best.from, to: best.to } : undefined;
  const rows = inputs.map((x): SummaryRow => {
    const m = x.manifest;
    const p = x.prediction;
    const row: SummaryRow = {
      id: x.id,
      name: m?.displayName ?? x.id,
      untrained: isUntrained(m),
      busy: x.busy,
      error: x.error,
      errorKind: x.errorKind,
      refused: x.refused,
    };
    if (!p) return row;
    row.prediction = p;
    row.otherInput = !x.sameInput;
    row.ownBpb = p.bitsPerByte;
    row.ownBytes = p.surprisalBits.length;
    row.ownFrom = firstScored(p);
    row.window = p.contextLength;
    row.backend = p.backend;
    row.latencyMs = p.latencyMs;
    row.first = x.run?.first;
    row.clipped = p.clippedReason;
    if (m && p.contextLength > m.config.trainedContext) row.pastTraining = m.config.trainedContext;
    row.memory = measured(x.point) ?? (x.run?.estimate.totalBytes ? { bytes: x.run.estimate.totalBytes, measured: false, what: 'estimate' } : undefined);
    if (shared && x.sameInput && !apart.includes(x.id) && compared.includes(x)) row.sharedBpb = mean(p.surprisalBits, shared.from - firstScored(p), shared.to - firstScored(p));
    return row;
  });
  return { rows, shared, apart };
}
