// Recall probes in a loaded model's worker (handlers/recall.ts): how a model reads a probe of a given length (one
// forward within its one-shot limit, else cached decoding up to its step graph's capacity, or why it cannot), and
// the run itself, probe by probe, stoppable like a generation.
import type { Manifest } from '../catalog/manifest';
import { TAIL } from '../tasks';
import { decodesAnyLength, decodingLimit, trainedLatents } from '../catalog/facts';
import { STOP_GRACE_MS, stepReady } from './decoding';
import { classify } from './failures';
import type { ModelWorker } from './modelWorker';
import { stateBytes } from './stepRunner';
import type { ReadPlan } from './recallProbe';
import { EngineError, type Engine, type LoadedModel, type RecallProbeResult, type RecallRun } from './types';

const n = (x: number) => x.toLocaleString('en-US');
const WHAT: Partial<Record<string, string>> = {
  'out-of-memory': 'ran out of memory',
  'buffer-limit': 'needed a tensor larger than the GPU allows in one buffer',
  'device-lost': 'lost its WebGPU device',
};

/**
 * How `m` reads a probe of `length` bytes (its first answer byte at `firstAnswer`, when known): one forward when it fits the
 * one-shot limit, else cached decoding; or why it cannot, in words. Perceiver AR's latents M: the trained M, at least
 * 64 (the offline evaluation's rule) and enough to cover every answer byte.
 */
export function recallPlan(m: Manifest, length: number, firstAnswer?: number): ReadPlan | EngineError {
  if (m.userModel && !m.userModel.byteLevel) return new EngineError('bad-input', `${m.displayName} is not byte-level: it cannot read the byte probes.`);
  const trained = trainedLatents(m);
  const numLatents = trained === undefined ? undefined : Math.min(length, Math.max(TAIL, trained, firstAnswer === undefined ? 0 : length - firstAnswer + 1));
  const limit = m.config.maxContext;
  if (length <= limit) return { mode: 'forward', numLatents };
  const why = `${m.id} reads at most ${n(limit)} bytes in one forward`;
  if (!m.step) return new EngineError('invalid-model', `${why} and has no step graph for cached decoding, so it cannot read a ${n(length)}-byte probe.`);
  if (!decodesAnyLength(m) && length > decodingLimit(m))
    return new EngineError('over-limit', `${why} and decodes at most ${n(decodingLimit(m))} positions (its step graph's capacity): a ${n(length)}-byte probe does not fit.`);
  return { mode: 'decode', numLatents };
}

export function recalling(loadedWorker: (id: string) => Promise<{ worker: ModelWorker; info: LoadedModel }>, fatal: Set<string>): Pick<Engine, 'recall'> {
  return {
    async recall(id, probes, opts, onProbe, signal): Promise<RecallRun> {
      if (!probes.length) throw new EngineError('bad-input', 'No probes to run.');
      const { worker, info } = await loadedWorker(id);
      const m = info.manifest;
      const length = Math.max(...probes.map((p) => p.bytes.length));
      const firstAnswer = Math.min(...probes.flatMap((p) => p.answers.map((a) => a.start)));
      const plan = recallPlan(m, length, firstAnswer);
      if (plan instanceof EngineError) throw plan;
      const got: RecallProbeResult[] = [];
      let reqId: number | undefined;
      let killTimer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        if (reqId !== undefined) worker.send({ type: 'stop', target: reqId });
        killTimer = setTimeout(() => worker.kill({ kind: 'cancelled', message: 'stopped by the user' }), STOP_GRACE_MS);
      };
      const result = (stopped?: string, memory?: RecallRun['memory']): RecallRun => ({ modelId: id, backend: info.backend, ...plan, probes: got, stopped, memory });
      const stoppedAfter = (cut: string) => `stopped by the user after ${got.length} of ${probes.length} probes${cut}`;
      try {
        if (plan.mode === 'decode') await stepReady(worker, m);
        if (signal?.aborted) return result(stoppedAfter(''));
        signal?.addEventListener('abort', onAbort);
        const r = await worker.call(
          { type: 'recall', probes: probes.map((p) => ({ bytes: p.bytes.slice(), answers: p.answers })), plan, k: opts?.k ?? 5 },
          [],
          ({ index, predicted, top, ms }) => {
            const p = { index, predicted, top, ms };
            got.push(p);
            onProbe?.(p);
          },
          (i) => (reqId = i),
        );
        return result(r.stopped ? stoppedAfter('') : undefined, r.memory);
      } catch (e) {
        const f = classify(e);
        // ended by the stop's grace timer: a probe was still running (a long forward or prefill)
        if (signal?.aborted && f.kind === 'cancelled') return result(stoppedAfter(' (the probe in progress was cut off)'));
        if (fatal.has(f.kind)) worker.kill(f);
        const how = plan.mode === 'decode' ? 'by cached decoding' : 'in one forward';
        const at = got.length ? ` after ${got.length} of ${probes.length} probes` : '';
        const what = WHAT[f.kind] ?? 'failed';
        const hint =
          f.kind === 'out-of-memory' && plan.mode === 'decode' && !decodesAnyLength(m)
            ? ` Its decoding state alone is ${(stateBytes(m, length, plan.numLatents) / 2 ** 20).toFixed(0)} MiB for ${n(length)} positions: try shorter probes.`
            : f.kind === 'out-of-memory'
              ? ' Try shorter probes.'
              : '';
        // the first line is the message; the runtime's own words follow as a detail line
        throw new EngineError(f.kind, `${id} ${what} reading ${n(length)}-byte probes ${how} on ${info.backend}${at}.${hint}\ndetail: ${f.message}`);
      } finally {
        clearTimeout(killTimer);
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
