// One native onnxruntime-node measurement, in a process of its own (the bench spawns one per point: an arena that
// grew for a 16,384-byte Transformer must not stay in memory for the next point). ORT as shipped: CPU arena on,
// idle threads spinning, one thread per core. Prints one JSON line.
//   tsx scripts/lib/nativePoint.ts model <id> <N> [numLatents] | decode <id> <N> | matmul <n>
import * as ort from 'onnxruntime-node';
import { matmulFlops, matmulGraph } from '../../src/engine/matmulGraph';
import { median, quantile, timeRuns, type RunPolicy } from '../../src/engine/stats';
import { decodePlan } from '../../src/engine/measureDecode';
import { createDecoder } from '../../src/engine/stepRunner';
import { openNodeModel, openNodeStep, runLogits } from './nodeModel';

export interface NativePoint {
  modelId: string;
  contextLength: number;
  firstRunMs: number;
  medianMs: number;
  p95Ms: number;
  runs: number;
}

export interface NativePeak {
  n: number;
  medianMs: number;
  gflops: number;
}

async function model(id: string, n: number, numLatents: number | undefined, policy: RunPolicy): Promise<NativePoint> {
  const m = await openNodeModel(id, { arena: true, spin: true });
  const tokens = Array.from({ length: n }, (_, i) => 97 + ((i * 7 + (i >> 3)) % 26)); // the page's synthetic window
  const { firstRunMs, samplesMs } = await timeRuns(async () => void (await runLogits(m, tokens, numLatents)), policy);
  return { modelId: id, contextLength: n, firstRunMs, medianMs: median(samplesMs), p95Ms: quantile(samplesMs, 0.95), runs: samplesMs.length };
}

export interface NativeDecode {
  modelId: string;
  contextLength: number;
  prefillMs: number;
  msPerByte: number; // mean over the decode steps, Perceiver AR's refills included
  medianMs: number;
}

/** Cached decoding as the page measures it (measureDecode.ts decodePlan): a prefill of N - D bytes, D timed steps. */
async function decode(id: string, n: number): Promise<NativeDecode> {
  const m = await openNodeStep(id, { arena: true, spin: true });
  const plan = decodePlan(m.manifest, n);
  const tokens = Array.from({ length: n }, (_, i) => 97 + ((i * 7 + (i >> 3)) % 26));
  await createDecoder(m.run, m.manifest, { capacity: 2 }).append(tokens.slice(0, 2)); // warm-up, as the page's
  const dec = createDecoder(m.run, m.manifest, { capacity: n });
  let t = performance.now();
  await dec.append(tokens.slice(0, plan.prompt));
  const prefillMs = performance.now() - t;
  const steps: number[] = [];
  for (let i = plan.prompt; i < n; i++) {
    t = performance.now();
    await dec.append([tokens[i]]);
    steps.push(performance.now() - t);
  }
  return { modelId: id, contextLength: n, prefillMs, msPerByte: steps.reduce((a, b) => a + b, 0) / steps.length, medianMs: median(steps) };
}

async function matmul(n: number, policy: RunPolicy): Promise<NativePeak> {
  const session = await ort.InferenceSession.create(matmulGraph(), { enableCpuMemArena: true });
  const random = () => new ort.Tensor('float32', Float32Array.from({ length: n * n }, () => Math.random() - 0.5), [n, n]);
  const feeds = { A: random(), B: random() };
  const { samplesMs } = await timeRuns(async () => void (await session.run(feeds)), policy);
  const medianMs = median(samplesMs);
  return { n, medianMs, gflops: matmulFlops(n) / medianMs / 1e6 };
}

const [kind, ...rest] = process.argv.slice(2);
const policy: RunPolicy = JSON.parse(process.env.LCP_POLICY ?? '{"warmupRuns":1,"minRuns":3,"minTimeMs":500,"maxRuns":10}');
const result =
  kind === 'matmul' ? await matmul(Number(rest[0]), policy) : kind === 'decode' ? await decode(rest[0], Number(rest[1])) : await model(rest[0], Number(rest[1]), rest[2] ? Number(rest[2]) : undefined, policy);
console.log(JSON.stringify(result));
