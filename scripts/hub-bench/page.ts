// One contender of scripts/hub-bench.ts per page load: a prompt of n tokens, a first greedy token (the prefill), then
// `steps` more, each timed as it comes, after a warm-up generation (a 1-token prompt, 2 tokens) in the same session.
// ?contender=transformers.js | bare-tjs | bare | kv | engine, &n, &steps, &threads, &hub (the Hub stand-in),
// &repo, &ort131 (transformers.js's own onnxruntime-web bundle, for its bare loop), &wasm131 / &mjs131 (its binary).
// The result is left on window.__result (or window.__error) for the script to read.
import { createKvDecoder, type HubRun, type TensorLike } from '../../src/hub/kvDecoder';
import { decoderLayout, isRefusal } from '../../src/hub/layout';
import { readOnnxGraph } from '../../src/hub/onnxGraph';
import { seededRandom } from '../../src/tasks/rng';
import { createEngine } from '../../src/engine';
import { hubSource, inspectRepo, loadHubDecoder } from '../../src/hub/repo';
import { hubManifest } from '../../src/hub/manifest';
import { sha256Hex } from '../../src/hub/download';

type OrtModule = typeof import('onnxruntime-web');
const q = new URLSearchParams(location.search);
const contender = q.get('contender')!;
const n = Number(q.get('n'));
const steps = Number(q.get('steps') ?? 32);
const threads = Number(q.get('threads') ?? 2);
const hub = q.get('hub')!;
const repo = q.get('repo')!;
const vocab = Number(q.get('vocab'));
const file = (path: string) => `${hub}${repo}/resolve/main/${path}`;

/** Prompt tokens: seeded (the project's one PRNG), never 0 (the fixture's end-of-text id). */
function prompt(): number[] {
  const rand = seededRandom(12345);
  return Array.from({ length: n }, () => 1 + Math.floor(rand() * (vocab - 1)));
}
const argmax = (row: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
};
const bytes = async (path: string) => new Uint8Array(await (await fetch(file(path))).arrayBuffer());

export interface BenchResult {
  contender: string;
  ort: string;
  backend: string;
  threads: number;
  n: number;
  loadMs: number;
  prefillMs: number; // time to first token
  stepsMs: number[]; // each later token
  tokens: number[];
  heapBytes?: number;
}

/** The fp32 graph and its external data from the Hub stand-in, in a WASM session of `ort`. */
async function openSession(ort: OrtModule) {
  ort.env.wasm.numThreads = threads;
  const t0 = performance.now();
  const graph = await bytes('onnx/model.onnx');
  const data = await bytes('onnx/model.onnx_data');
  const session = await ort.InferenceSession.create(graph, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', externalData: [{ path: 'model.onnx_data', data }] });
  return { graph, session, loadMs: performance.now() - t0 };
}

/** The bare loop on an onnxruntime-web module: present.* fed back as past_key_values.*, nothing else. */
async function bare(ort: OrtModule, label: string): Promise<BenchResult> {
  const { graph, session, loadMs } = await openSession(ort);
  const info = readOnnxGraph(graph);
  const L = info.inputs.filter((t) => t.name.endsWith('.key')).length;
  const [kv, hd] = [info.inputs[3].dims[1] as number, info.inputs[3].dims[3] as number];
  let past: Record<string, InstanceType<OrtModule['Tensor']>> = {};
  for (let i = 0; i < L; i++)
    for (const k of ['key', 'value']) past[`past_key_values.${i}.${k}`] = new ort.Tensor('float32', new Float32Array(0), [1, kv, 0, hd]);
  const empty = past;
  const tokens: number[] = [];
  const times: number[] = [];
  let length = 0;
  let next: number[] = [1];
  for (let s = 0; s < steps + 3; s++) {
    if (s === 2) {
      // the warm-up (a 1-token prompt, 2 tokens) is done: the timed generation starts from an empty cache
      ((past = empty), (length = 0), (next = prompt()), (tokens.length = 0), (times.length = 0));
    }
    const t = performance.now();
    const m = next.length;
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(next, BigInt), [1, m]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(length + m).fill(1n), [1, length + m]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: m }, (_, i) => BigInt(length + i)), [1, m]),
      ...past,
    };
    const out = await session.run(feeds);
    const logits = out.logits.data as Float32Array;
    const token = argmax(logits.subarray(logits.length - vocab));
    past = {};
    for (let i = 0; i < L; i++) for (const k of ['key', 'value']) past[`past_key_values.${i}.${k}`] = out[`present.${i}.${k}`];
    length += m;
    next = [token];
    tokens.push(token);
    times.push(performance.now() - t);
  }
  await session.release();
  return { contender: `bare loop (${label})`, ort: ort.env.versions.web ?? '?', backend: 'wasm', threads, n, loadMs, prefillMs: times[0], stepsMs: times.slice(1), tokens };
}

/** Our engine as the page runs it: the Hub repo opened and loaded (src/hub), then engine.measure's cached decoding
 * at n + steps positions (a fresh worker; a prompt of n synthetic tokens, then steps greedy tokens after the first). */
async function engineLoop(): Promise<BenchResult> {
  const t0 = performance.now();
  const engine = createEngine({ wasmThreads: threads });
  const s = await inspectRepo(hubSource({ host: hub, pathTemplate: '{model}/resolve/{revision}/', listing: 'api' }, { repo, revision: 'main' }));
  const d = await loadHubDecoder(s, 'fp32', { backend: 'wasm' });
  const m = await hubManifest(d, await sha256Hex(d.graph), hub);
  engine.addHubModel(m, { graph: d.graph, externalData: d.externalData }, d.tokenizer);
  const loadMs = performance.now() - t0;
  const p = await engine.measure(m.id, 'wasm', n + steps, { decode: true, skipForward: 'the bench times decoding only' });
  if (!p.decode?.ok) throw new Error(p.decode ? p.decode.failure.message : 'no decoding measured');
  const prov = p.provenance;
  return {
    contender: 'our engine (engine.measure, decode)',
    ort: prov?.ort ?? '?',
    backend: `${p.backend}${prov ? ` (${prov.ep})` : ''}`,
    threads: prov?.wasmThreads ?? threads,
    n: p.decode.promptBytes,
    loadMs,
    prefillMs: p.decode.prefillMs,
    stepsMs: p.decode.stepsMs,
    tokens: [],
  };
}

async function transformersJs(): Promise<BenchResult> {
  const tjs = await import('@huggingface/transformers');
  const { env, AutoModelForCausalLM, BaseStreamer, Tensor } = tjs;
  env.remoteHost = hub;
  env.allowLocalModels = false;
  env.useBrowserCache = false;
  const onnx = env.backends.onnx as unknown as { wasm: { wasmPaths: unknown; numThreads: number }; versions: { web: string } };
  onnx.wasm.wasmPaths = { mjs: q.get('mjs131')!, wasm: q.get('wasm131')! }; // its own binary, served here (no CDN)
  onnx.wasm.numThreads = threads;
  const t0 = performance.now();
  const model = await AutoModelForCausalLM.from_pretrained(repo, { device: 'wasm', dtype: 'fp32' });
  const loadMs = performance.now() - t0;
  // warm-up: a 1-token prompt, 2 tokens
  await model.generate({ input_ids: new Tensor('int64', BigInt64Array.of(1n), [1, 1]), attention_mask: new Tensor('int64', BigInt64Array.of(1n), [1, 1]), max_new_tokens: 2, min_new_tokens: 2, do_sample: false } as never);
  const ids = prompt();
  const times: number[] = [];
  const tokens: number[] = [];
  class Clock extends BaseStreamer {
    put(value: bigint[][]) {
      times.push(performance.now());
      if (times.length > 1) tokens.push(Number(value[0][0]));
    }
    end() {}
  }
  await model.generate({
    input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
    attention_mask: new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    max_new_tokens: steps + 1,
    min_new_tokens: steps + 1,
    do_sample: false,
    streamer: new Clock(),
  } as never);
  const d = times.slice(1).map((t, i) => t - times[i]);
  return { contender: 'transformers.js generate()', ort: onnx.versions.web, backend: 'wasm', threads, n, loadMs, prefillMs: d[0], stepsMs: d.slice(1), tokens };
}

/** src/hub/kvDecoder.ts on the project's onnxruntime-web in this page (the engine's decode loop, no worker). */
async function kvLoop(): Promise<BenchResult> {
  const ort = (await import('onnxruntime-web/wasm')) as unknown as OrtModule;
  const { graph, session, loadMs } = await openSession(ort);
  const layout = decoderLayout(readOnnxGraph(graph));
  if (isRefusal(layout)) throw new Error(layout.message);
  const run: HubRun = {
    run: async (feeds) => {
      const t: Record<string, InstanceType<OrtModule['Tensor']>> = {};
      for (const [k, v] of Object.entries(feeds)) t[k] = v instanceof ort.Tensor ? v : new ort.Tensor(v.type as 'float32', v.data as Float32Array, v.dims as number[]);
      return (await session.run(t)) as unknown as Record<string, TensorLike>;
    },
  };
  const dec = createKvDecoder(run, layout, { chunk: Number(q.get('chunk') ?? 512) });
  const tokens: number[] = [];
  const times: number[] = [];
  let t = performance.now();
  let { logits } = await dec.append(prompt());
  for (let s = 0; s <= steps; s++) {
    tokens.push(argmax(logits));
    times.push(performance.now() - t);
    t = performance.now();
    if (s < steps) ({ logits } = await dec.append([tokens[s]]));
  }
  return { contender: 'kvDecoder loop (ours, in the page)', ort: ort.env.versions.web ?? '?', backend: 'wasm', threads, n, loadMs, prefillMs: times[0], stepsMs: times.slice(1), tokens };
}

const w = window as unknown as { __result?: BenchResult; __error?: string };
(async () => {
  try {
    let r: BenchResult;
    if (contender === 'transformers.js') r = await transformersJs();
    else if (contender === 'bare-tjs') r = await bare((await import(/* @vite-ignore */ q.get('ort131')!)) as OrtModule, "transformers.js's onnxruntime-web");
    else if (contender === 'bare') r = await bare((await import('onnxruntime-web/wasm')) as unknown as OrtModule, "the project's onnxruntime-web");
    else if (contender === 'kv') r = await kvLoop();
    else if (contender === 'engine') r = await engineLoop();
    else throw new Error(`unknown contender ${contender}`);
    r.heapBytes = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
    w.__result = r;
    document.getElementById('out')!.textContent = JSON.stringify(r, null, 1);
  } catch (e) {
    w.__error = e instanceof Error ? `${e.message}\n${e.stack}` : String(e);
    document.getElementById('out')!.textContent = w.__error;
  }
})();
