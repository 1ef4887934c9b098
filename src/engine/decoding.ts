// Cached decoding in a loaded model's worker: its step graph opened next to the forward session (once per
// worker), then bytes fed through it by stepRunner.ts inside the worker: given bytes (`decode`), or sampled ones
// (`generate`, generation.ts), streamed back byte by byte.
import { clipContext, decodesAnyLength, decodingLimit, hasCachedDecoding, takesLatents } from '../catalog/facts';
import type { Manifest } from '../catalog/manifest';
import { classify } from './failures';
import { decodeStats, positionsNeeded } from './generation';
import { fetchGraphBytes } from './models';
import { stateBytes } from './stepRunner';
import { textStream, tokensOf } from './hub';
import { cacheBytes } from '../hub/layout';
import { hubCached } from '../hub/manifest';
import type { HubTokenizer } from '../hub/tokenizer';
import { checkGraphNames, type ModelWorker } from './modelWorker';
import type { ReplyOf } from './protocol';
import {
  EngineError,
  type DecodeOptions,
  type DecodeResult,
  type Engine,
  type GenerateOptions,
  type GenerateProgress,
  type GenerateResult,
  type LoadedModel,
} from './types';

/** After a stop, how long the byte in progress may take before the worker is ended instead (a long prefill). */
export const STOP_GRACE_MS = 1000;

/** Opens the model's step graph in the worker, once; its names are checked against the manifest. */
export function stepReady(worker: ModelWorker, m: Manifest): Promise<void> {
  if (hubCached(m)) return Promise.resolve(); // a Hub decoder's cache goes through its forward graph (hub.ts)
  const step = m.step;
  if (!step) return Promise.reject(new EngineError('invalid-model', `${m.id} has no step graph for cached decoding`));
  worker.step ??= (async () => {
    const bytes = (await fetchGraphBytes(m, step)).slice().buffer;
    const reply = await worker.call({ type: 'loadStep', step: bytes }, [bytes]);
    checkGraphNames(worker, m.id, step, reply);
  })();
  worker.step.catch(() => (worker.step = undefined));
  return worker.step;
}



/** Why these generation settings cannot run on this model, in words a person can act on; undefined when they can. */
export function generateProblem(m: Manifest, promptBytes: number, o: GenerateOptions): EngineError | undefined {
  if (promptBytes === 0) return new EngineError('bad-input', 'Nothing to continue: the prompt is empty. Paste text, drop a file or pick a preset.');
  if (!Number.isInteger(o.maxBytes) || o.maxBytes < 1) return new EngineError('bad-input', `The bytes to generate must be a whole number of at least 1, not ${o.maxBytes}.`);
  const V = m.config.vocabSize;
  if (o.temperature !== undefined && !(o.temperature >= 0 && Number.isFinite(o.temperature))) return new EngineError('bad-input', `The temperature must be 0 or more, not ${o.temperature}.`);
  if (o.topK !== undefined && !(Number.isInteger(o.topK) && o.topK >= 1 && o.topK <= V)) return new EngineError('bad-input', `top-k must be a whole number from 1 to ${V}, not ${o.topK}.`);
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) return new EngineError('bad-input', `The seed must be a whole number, not ${o.seed}.`);
  if (o.cache === false) return undefined;
  if (!hasCachedDecoding(m)) return new EngineError('invalid-model', `${m.id} has no ${m.hub ? 'cache (its graph has no past_key_values inputs)' : 'step graph'} for cached decoding: switch the cache off to re-run the window per ${m.hub ? 'token' : 'byte'}.`);
  if (decodesAnyLength(m)) return undefined; // Transformer-XL: a fixed memory, any length
  const cap = decodingLimit(m);
  const need = positionsNeeded(promptBytes, o.maxBytes);
  if (need > cap)
    return new EngineError(
      'over-limit',
      `A ${promptBytes.toLocaleString('en-US')}-byte prompt and ${o.maxBytes.toLocaleString('en-US')} bytes to generate need ${need.toLocaleString('en-US')} positions; ${m.id} decodes at most ${cap.toLocaleString('en-US')} (its step graph's capacity). Lower N or the bytes to generate.`,
    );
  return undefined;
}

export function decoding(
  loadedWorker: (id: string) => Promise<{ worker: ModelWorker; info: LoadedModel }>,
  fatal: Set<string>,
  tokenizerOf: (id: string) => HubTokenizer | undefined = () => undefined,
): Pick<Engine, 'decode' | 'generate'> {
  return {
    async decode(id, bytes, pieces, opts: DecodeOptions = {}): Promise<DecodeResult> {
      if (bytes.length === 0) throw new EngineError('bad-input', 'Nothing to decode: the input is empty.');
      if (pieces.some((n) => !Number.isInteger(n) || n < 1) || pieces.reduce((a, b) => a + b, 0) !== bytes.length)
        throw new EngineError('bad-input', `pieces must be positive lengths that sum to the ${bytes.length} bytes given`);
      const { worker, info } = await loadedWorker(id);
      try {
        await stepReady(worker, info.manifest);
        const options = { ...opts, capacity: opts.capacity ?? bytes.length };
        const r = await worker.call({ type: 'decode', bytes: bytes.slice(), pieces, options });
        const { lastLogits, pieceMs, refills, latentsAfter, stateBytes, capacity, stateOn, captured, memory } = r;
        return { modelId: id, backend: info.backend, lastLogits, pieceMs, refills, latentsAfter, stateBytes, capacity, stateOn, captured, memory };
      } catch (e) {
        const f = classify(e);
        if (fatal.has(f.kind)) worker.kill(f);
        throw new EngineError(f.kind, `${id} decoding on ${info.backend}: ${f.message}`);
      }
    },

    async generate(id, promptBytes, opts, onByte, signal): Promise<GenerateResult> {
      const { worker, info } = await loadedWorker(id);
      const m = info.manifest;
      // a Hub decoder reads tokens: the last contextLength of the prompt's, and streams text back token by token
      const tokenizer = tokenizerOf(id);
      const ids = tokenizer && tokensOf(tokenizer, promptBytes);
      const prompt = ids ? Int32Array.from(ids.slice(Math.max(0, ids.length - (opts.contextLength ?? ids.length)))) : promptBytes;
      const text = tokenizer && textStream(tokenizer);
      let generatedText = '';
      const problem = generateProblem(m, prompt.length, opts);
      if (problem) throw problem;
      const cached = opts.cache !== false;
      const got: GenerateProgress[] = [];
      let reqId: number | undefined;
      let killTimer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        if (reqId !== undefined) worker.send({ type: 'stop', target: reqId });
        killTimer = setTimeout(() => worker.kill({ kind: 'cancelled', message: 'stopped by the user' }), STOP_GRACE_MS);
      };
      const result = (stopped: string | undefined, r?: ReplyOf<'generate'>): GenerateResult => ({
        modelId: id,
        backend: info.backend,
        wasmThreads: info.wasmThreads,
        cached,
        promptBytes: prompt.length,
        bytes: text ? new TextEncoder().encode(generatedText) : Uint8Array.from(got, (g) => g.byte),
        tokens: text ? got.map((g) => g.byte) : undefined,
        stepMs: got.map((g) => g.ms),
        latents: takesLatents(m) ? got.map((g) => g.latents ?? 0) : [],
        ...decodeStats(got.map((g) => g.ms)),
        prefillMs: got[0]?.ms ?? NaN,
        refills: r?.refills ?? got.at(-1)?.refills ?? 0,
        numLatents: r?.numLatents ?? got.at(-1)?.latents,
        refillTo: r?.refillTo,
        stateBytes: r?.stateBytes,
        stateOn: r?.stateOn,
        captured: r?.captured,
        capacity: r?.capacity,
        windowBytes: cached ? undefined : m.config.window === 'prefix' ? m.config.maxContext : clipContext(m, opts.contextLength ?? prompt.length).n,
        memory: r?.memory,
        stopped,
      });
      try {
        if (cached) await stepReady(worker, m);
        if (signal?.aborted) return result('stopped by the user before it started');
        signal?.addEventListener('abort', onAbort);
        const progress = ({ byte, ms, latents, refills }: { byte: number; ms: number; latents?: number; refills: number }) => {
          const p = { byte, ms, latents, refills, index: got.length, text: text?.(byte) };
          if (p.text) generatedText += p.text;
          got.push(p);
          onByte?.(p);
        };
        const r = await worker.call({ type: 'generate', prompt: prompt.slice(), options: opts }, [], progress, (i) => (reqId = i));
        return result(r.stopped ? `stopped by the user after ${got.length.toLocaleString('en-US')} bytes` : undefined, r);
      } catch (e) {
        const f = classify(e);
        // ended by the stop's grace timer: a step was still running (a long prefill or refill)
        if (signal?.aborted && f.kind === 'cancelled') return result(`stopped by the user after ${got.length.toLocaleString('en-US')} bytes (the step in progress was cut off)`);
        if (fatal.has(f.kind)) worker.kill(f);
        const at = got.length ? ` after ${got.length.toLocaleString('en-US')} bytes` : cached ? ' during the prefill' : '';
        const positions = positionsNeeded(prompt.length, opts.maxBytes);
        const hint =
          f.kind === 'out-of-memory' && cached && !decodesAnyLength(m)
            ? ` Its decoding state alone is ${((m.hub ? (cacheBytes(m.hub.layout, positions) ?? 0) : stateBytes(m, positions, opts.numLatents)) / 2 ** 20).toFixed(0)} MiB for ${positions.toLocaleString('en-US')} positions, and it is fed to the step graph at every chunk: lower N or the bytes to generate.`
            : '';
        throw new EngineError(f.kind, `${id} generating on ${info.backend}${at}: ${f.message}${hint}`);
      } finally {
        clearTimeout(killTimer);
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
