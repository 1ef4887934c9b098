// One native onnxruntime-node measurement, in a process of its own (the bench spawns one per point: an arena that
// grew for a 16,384-byte Transformer must not stay in memory for the next point). ORT as shipped: CPU arena on,
// idle threads spinning, one thread per core. Prints one JSON line.
//   tsx scripts/lib/nativePoint.ts model <id> <N> [numLatents] | matmul <n>
import * as ort from 'onnxruntime-node';
import { matmulFlops, matmulGraph } from '../../src/engine/matmulGraph';
import { median, quantile, timeRuns, type RunPolicy } from '../../src/engine/stats';
import { openNodeModel, runLogits } from './nodeModel';

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
const result = kind === 'matmul' ? await matmul(Number(rest[0]), policy) : await model(rest[0], Number(rest[1]), rest[2] ? Number(rest[2]) : undefined, policy);
console.log(JSON.stringify(result));
