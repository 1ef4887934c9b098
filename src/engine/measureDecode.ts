// Cached decoding measured at one N (the sweep's decode charts, the bench): in a fresh worker, a prefill of
// N - D bytes through the step graph, then D one-byte decode steps, each timed. For Perceiver AR, D covers whole
// refill periods, so the mean per byte is the amortised cost, refills included.
import { cacheLatents, decodingLimit, defaultRefill, hasCachedDecoding, takesLatents } from '../catalog/facts';
import type { Manifest } from '../catalog/manifest';
import { classify } from './failures';
import { stepReady } from './decoding';
import type { ModelWorker } from './modelWorker';
import { median, quantile } from './stats';
import type { DecodePoint, FailureKind, GpuState } from './types';

export const MIN_DECODE_STEPS = 32;

/**
 * How many bytes to prefill and to decode at N. Perceiver AR: after a prompt of P >= F bytes the cache holds F
 * latents; M - F steps fill it and the next byte refills it, so a period is M - F + 1 bytes with one refill. D is
 * the fewest whole periods of at least 32 bytes when N leaves a prompt of F bytes; else 32 steps, and the note says
 * when no refill falls within them.
 */
export function decodePlan(m: Manifest, n: number, numLatents?: number, refillTo?: number): { prompt: number; steps: number; note?: string } {
  const steps = Math.min(MIN_DECODE_STEPS, n - 1);
  if (!takesLatents(m) || !m.step) return { prompt: n - steps, steps };
  const M = cacheLatents(m, numLatents)!;
  const F = refillTo ?? defaultRefill(m.step, M);
  const period = M - F + 1;
  const whole = period * Math.ceil(MIN_DECODE_STEPS / period);
  if (n - whole >= F) return { prompt: n - whole, steps: whole };
  // fewer positions than a prompt of F plus a period: count the refills 32 steps would make
  let latents = Math.min(F, n - steps);
  let refills = 0;
  for (let i = 0; i < steps; i++) latents === M ? ((latents = F), refills++) : latents++;
  const note = refills
    ? undefined
    : `no refill: a ${n - steps}-byte prompt leaves ${Math.min(F, n - steps)} latents and ${steps} steps do not fill the cache of M = ${M} (at N <= M no refill can happen)`;
  return { prompt: n - steps, steps, note };
}

/** Decoding at N in a fresh worker that `inWorker` provides (and ends). */
export async function measureDecode(
  m: Manifest,
  n: number,
  numLatents: number | undefined,
  synthetic: (n: number) => Uint8Array,
  inWorker: <T>(work: (w: ModelWorker) => Promise<T>) => Promise<T>,
  capacity?: number, // the state's positions (default: N): a step's cost should follow N, not this
  gpuState?: GpuState,
): Promise<DecodePoint> {
  const fail = (kind: FailureKind, message: string): DecodePoint => ({ ok: false, failure: { kind, message } });
  if (!hasCachedDecoding(m)) return fail('invalid-model', `${m.id} has no ${m.hub ? 'cache' : 'step graph'} for cached decoding`);
  const limit = decodingLimit(m);
  if (Math.max(n, capacity ?? 0) > limit) return fail('over-limit', `beyond the decoding state's capacity of ${limit.toLocaleString('en-US')} positions`);
  const M = cacheLatents(m, numLatents);
  const plan = decodePlan(m, n, M);
  try {
    return await inWorker(async (worker): Promise<DecodePoint> => {
      await stepReady(worker, m);
      const options = { temperature: 0, cache: true, numLatents: M, meterCopies: true, capacity, gpuState };
      // warm-up: the step session's first calls (allocation, shader compilation) are not the decoding's
      await worker.call({ type: 'generate', prompt: synthetic(1), options: { ...options, maxBytes: 2 } });
      const ms: number[] = [];
      const copied: { ms: number; bytes: number }[] = [];
      const r = await worker.call(
        { type: 'generate', prompt: synthetic(plan.prompt), options: { ...options, maxBytes: plan.steps + 1 } },
        [],
        (p) => (ms.push(p.ms), copied.push({ ms: p.copyMs ?? NaN, bytes: p.copyBytes ?? NaN })),
      );
      const stepsMs = ms.slice(1);
      const steps = copied.slice(1);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      return {
        ok: true,
        promptBytes: plan.prompt,
        prefillMs: ms[0],
        stepsMs,
        msPerByte: stepsMs.reduce((a, b) => a + b, 0) / stepsMs.length,
        medianMs: median(stepsMs),
        p95Ms: quantile(stepsMs, 0.95),
        refills: r.refills,
        refillTo: r.refillTo,
        stateBytes: r.stateBytes ?? 0,
        capacity: r.capacity,
        stateOn: r.stateOn,
        captured: r.captured,
        memory: r.memory,
        note: plan.note,
        ...(steps.every((c) => Number.isFinite(c.ms)) && { copyMsPerByte: mean(steps.map((c) => c.ms)), copyBytesPerByte: mean(steps.map((c) => c.bytes)) }),
      };
    });
  } catch (e) {
    return { ok: false, failure: classify(e) };
  }
}
