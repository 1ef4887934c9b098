// Per-operator profiles: onnxruntime's own timings of warm runs, grouped into what a reader of an attention model
// asks about. Pure (no onnxruntime here): the worker feeds it ORT's trace events (WASM: `enableProfiling`) or
// JSEP's GPU kernel timestamps (WebGPU: `env.webgpu.profiling.ondata`); the graph tests feed it onnxruntime-node's.
import { EngineError } from './failures';
import { CATEGORIES, type Category, type OpProfile, type ProfiledOp } from './types';

// the profile's result types are public (types.ts); re-exported for the modules and tests that read profiles
export { CATEGORIES, type Category, type OpProfile, type ProfiledOp };

/** One operator's time in one profiled window (an XL window sums its segments' steps). */
export interface OpTiming {
  name: string; // the node's name in the graph, e.g. "/cross/Softmax"
  opType: string;
  ms: number;
  count: number; // executions per window
  inputShapes: number[][]; // as the profiler lists them (ORT's CPU trace omits initializers)
  outputShapes: number[][];
  device: 'cpu' | 'gpu'; // where the time was taken: CPU kernel wall time, or GPU timestamps
}


const MATMULS = new Set(['MatMul', 'FusedMatMul', 'Gemm', 'Einsum', 'MatMulInteger']);
const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div']);
const MASK_AND_POSITION = new Set([
  'Where', 'Cast', 'Gather', 'GatherElements', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'Equal',
  'Not', 'And', 'Or', 'Range', 'Cos', 'Sin', 'Expand', 'ConstantOfShape', 'Shape', 'Trilu', 'CumSum', 'Min', 'Max',
]);
const LAYOUT = new Set([
  'Transpose', 'Reshape', 'Slice', 'Split', 'Concat', 'Pad', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity', 'Tile',
]);

/**
 * A product of two activations (attention), not of an activation and a weight: two listed inputs of rank >= 3.
 * Weights are rank 2 here, and ORT's CPU trace does not list initializers at all.
 */
function activationProduct(op: OpTiming): boolean {
  return op.inputShapes.length >= 2 && op.inputShapes[0].length >= 3 && op.inputShapes[1].length >= 3;
}

/** Scores (Q·Kᵀ) contract over the head width and widen to the keys; weighted values (P·V) do the opposite. */
function isScores(op: OpTiming): boolean {
  const a = op.inputShapes[0];
  const out = op.outputShapes[0] ?? [];
  return (out.at(-1) ?? 0) > (a.at(-1) ?? 0);
}

const key = (dims: readonly number[] | undefined) => (dims ?? []).join('x');

/**
 * The category of each operator of one window. Element-wise work on a score-shaped tensor (XL's content plus
 * position scores, a scale) counts as attention scores; a Where is a mask wherever it is.
 */
export function classify(ops: readonly OpTiming[]): Category[] {
  const scoreShapes = new Set(ops.filter((o) => MATMULS.has(o.opType) && activationProduct(o) && isScores(o)).map((o) => key(o.outputShapes[0])));
  return ops.map((o): Category => {
    if (o.opType === 'Softmax') return 'softmax';
    if (MATMULS.has(o.opType)) return activationProduct(o) ? (isScores(o) ? 'attention scores' : 'weighted values') : 'projections and MLP';
    if (o.opType === 'Conv') return 'projections and MLP'; // Primer's depthwise convolutions on Q, K, V
    if (o.name.includes('/rotary')) return 'masks, positions, gathers and casts';
    if (o.name.includes('/mlp/')) return 'projections and MLP';
    if (MASK_AND_POSITION.has(o.opType)) return 'masks, positions, gathers and casts';
    if (ELEMENTWISE.has(o.opType) && scoreShapes.has(key(o.outputShapes[0]))) return 'attention scores';
    if (LAYOUT.has(o.opType)) return 'layout';
    return 'other';
  });
}

// ---- ORT's trace (Chrome trace format), as endProfiling prints it ----

export interface TraceEvent {
  cat: string;
  name: string;
  ts: number; // µs
  dur: number; // µs
  args?: { op_name?: string; provider?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] };
}

/** The JSON array ORT prints, one event a line; lines that are not part of it are ignored. */
export function parseTrace(lines: readonly string[]): TraceEvent[] {
  const start = lines.findIndex((l) => l.trimStart().startsWith('['));
  if (start < 0) throw new EngineError('unknown', 'onnxruntime printed no profile');
  const body: string[] = [];
  for (const l of lines.slice(start)) {
    body.push(l);
    if (l.trimEnd().endsWith(']')) break;
  }
  return JSON.parse(body.join('\n')) as TraceEvent[];
}

/** Nodes that run a subgraph: the trace times them whole and, apart, every node of their body. */
const CONTROL_FLOW = new Set(['Loop', 'If', 'Scan']);

const shapesOf = (xs: Record<string, number[]>[] | undefined) => (xs ?? []).map((x) => Object.values(x)[0] ?? []);

/**
 * Operators of the last `windows` windows of `runsPerWindow` session runs each, averaged per window. Only
 * CPU-side kernel events count (`onlyProvider`: e.g. the CPU EP's nodes of a WebGPU session, whose GPU
 * kernels are timed apart).
 */
export function opsFromTrace(events: readonly TraceEvent[], runsPerWindow: number, windows: number, onlyProvider?: string): OpTiming[] {
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const used = runs.slice(-runsPerWindow * windows);
  if (used.length < runsPerWindow * windows) throw new EngineError('unknown', `the profile holds ${runs.length} runs, expected ${runsPerWindow * windows}`);
  const from = used[0].ts;
  const to = used.at(-1)!.ts + used.at(-1)!.dur;
  const byName = new Map<string, OpTiming>();
  const nodes = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.ts >= from && e.ts <= to);
  // A control-flow node (Perceiver AR's key blocks run in a Loop) is timed whole, and each node of its body apart:
  // the body counts as its own operators, the container only for the rest of its time (its iterations, copies).
  const containers = nodes.filter((e) => CONTROL_FLOW.has(e.args?.op_name ?? ''));
  const ownTime = new Map(containers.map((c) => [c, c.dur]));
  for (const e of nodes)
    for (const c of containers)
      if (c !== e && e.ts >= c.ts && e.ts + e.dur <= c.ts + c.dur) ownTime.set(c, ownTime.get(c)! - e.dur);
  for (const e of nodes) {
    if (onlyProvider && e.args?.provider !== onlyProvider) continue;
    const name = e.name.slice(0, -'_kernel_time'.length);
    const op = byName.get(name) ?? {
      name,
      opType: e.args?.op_name ?? 'unknown',
      ms: 0,
      count: 0,
      inputShapes: shapesOf(e.args?.input_type_shape),
      outputShapes: shapesOf(e.args?.output_type_shape),
      device: 'cpu' as const,
    };
    op.ms += Math.max(0, ownTime.get(e) ?? e.dur) / 1000 / windows;
    op.count += 1 / windows;
    byName.set(name, op);
  }
  return [...byName.values()];
}

// ---- JSEP's GPU kernel timestamps (env.webgpu.profiling.ondata) ----

export interface GpuKernelRecord {
  kernelName: string;
  kernelType: string;
  programName: string;
  inputsMetadata: readonly { dims: readonly number[] }[];
  outputsMetadata: readonly { dims: readonly number[] }[];
  startTime: number; // ns
  endTime: number;
}

/** GPU time per node (a node may dispatch several programs), averaged over `windows` windows. */
export function opsFromGpuRecords(records: readonly GpuKernelRecord[], windows: number): OpTiming[] {
  const byName = new Map<string, OpTiming>();
  for (const r of records) {
    const op = byName.get(r.kernelName) ?? {
      name: r.kernelName,
      opType: r.kernelType,
      ms: 0,
      count: 0,
      inputShapes: r.inputsMetadata.map((m) => [...m.dims]),
      outputShapes: r.outputsMetadata.map((m) => [...m.dims]),
      device: 'gpu' as const,
    };
    op.ms += (r.endTime - r.startTime) / 1e6 / windows;
    op.count += 1 / windows;
    byName.set(r.kernelName, op);
  }
  return [...byName.values()];
}

/**
 * How much of a window's wall time the operators may leave uncovered: 10% of it plus 50 µs per kernel executed, for
 * ORT's own work between kernels (measured: 5-10 µs each natively, 20-150 µs in Chromium's WASM with the profiler
 * recording, on this project's loaded 2-core machine) and the JavaScript around the runs (feeds, copying logits out).
 */
export const uncoveredAllowanceMs = (runMs: number, kernels: number) => 0.1 * runMs + 0.05 * kernels;

/** Totals by category and the slowest operators. */
export function summarize(ops: readonly OpTiming[], topK = 12): Pick<OpProfile, 'opsMs' | 'kernels' | 'byCategory' | 'top'> {
  const cats = classify(ops);
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  ops.forEach((o, i) => (byCategory[cats[i]] += o.ms));
  const top = ops
    .map((o, i) => ({ name: o.name, opType: o.opType, category: cats[i], ms: o.ms, shape: key(o.outputShapes[0]) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, topK);
  return { opsMs: ops.reduce((s, o) => s + o.ms, 0), kernels: Math.round(ops.reduce((s, o) => s + o.count, 0)), byCategory, top };
}
