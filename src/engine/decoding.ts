// Cached decoding in a loaded model's worker: its step graph opened next to the forward session (once per
// worker), then bytes fed through it by stepRunner.ts inside the worker.
import type { Manifest } from '../catalog/manifest';
import { classify } from './failures';
import { fetchGraphBytes } from './models';
import { checkGraphNames, type ModelWorker } from './modelWorker';
import type { DecodedReply, StepLoadedReply } from './protocol';
import { EngineError, type DecodeOptions, type DecodeResult, type Engine, type LoadedModel } from './types';

/** Opens the model's step graph in the worker, once; its names are checked against the manifest. */
export function stepReady(worker: ModelWorker, m: Manifest): Promise<void> {
  const step = m.step;
  if (!step) return Promise.reject(new EngineError('invalid-model', `${m.id} has no step graph for cached decoding`));
  worker.step ??= (async () => {
    const bytes = (await fetchGraphBytes(m, step)).slice().buffer;
    const reply = await worker.request<StepLoadedReply>({ type: 'loadStep', step: bytes }, [bytes]);
    checkGraphNames(worker, m.id, step, reply);
  })();
  worker.step.catch(() => (worker.step = undefined));
  return worker.step;
}

export function decoding(
  loadedWorker: (id: string) => Promise<{ worker: ModelWorker; info: LoadedModel }>,
  fatal: Set<string>,
): Pick<Engine, 'decode'> {
  return {
    async decode(id, bytes, pieces, opts: DecodeOptions = {}): Promise<DecodeResult> {
      if (bytes.length === 0) throw new EngineError('bad-input', 'Nothing to decode: the input is empty.');
      if (pieces.some((n) => !Number.isInteger(n) || n < 1) || pieces.reduce((a, b) => a + b, 0) !== bytes.length)
        throw new EngineError('bad-input', `pieces must be positive lengths that sum to the ${bytes.length} bytes given`);
      const { worker, info } = await loadedWorker(id);
      try {
        await stepReady(worker, info.manifest);
        const options = { ...opts, capacity: opts.capacity ?? bytes.length };
        const r = await worker.request<DecodedReply>({ type: 'decode', bytes: bytes.slice(), pieces, options });
        const { lastLogits, pieceMs, refills, latentsAfter, stateBytes, capacity } = r;
        return { modelId: id, backend: info.backend, lastLogits, pieceMs, refills, latentsAfter, stateBytes, capacity };
      } catch (e) {
        const f = classify(e);
        if (fatal.has(f.kind)) worker.kill(f);
        throw new EngineError(f.kind, `${id} decoding on ${info.backend}: ${f.message}`);
      }
    },
  };
}
