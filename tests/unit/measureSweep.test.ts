// The sweep's rules with decoding, on a scripted worker in place of onnxruntime-web: decoding goes past the one-shot
// forward's limit (the forward there is 'skipped', not failed), and after a failure at N the forward and decoding
// each stop apart. Each point's decoding runs in a worker of its own.
import { describe, expect, it } from 'vitest';
import { measurement, type ModelSource } from '../../src/engine/measure';
import type { ModelWorker } from '../../src/engine/modelWorker';
import type { Reply } from '../../src/engine/protocol';
import { EngineError, type MeasurePoint, type Provenance } from '../../src/engine/types';
import { load } from './fakeStep';

const provenance: Provenance = { browser: 'Test 1', platform: 'test', hardwareThreads: 2, crossOriginIsolated: true, ep: 'wasm', wasmThreads: 1, ort: '1.30.0', app: 'test', measuredAt: '2026-11-30T12:00:00.000Z' };

/** A source whose workers answer `measure` and `generate` at once, failing where asked (by kind of work and N). */
function source(fails: { forward?: number; decode?: number } = {}) {
  const m = load('transformer-tiny'); // forward up to 1,024 bytes, step graph up to 65,536 positions
  const workers: string[] = [];
  const src: ModelSource = {
    manifests: async () => new Map([[m.id, m]]),
    manifestOf: async () => m,
    webgpuImpl: 'jsep',
    provenance: async () => provenance,
    async spawn() {
      const worker = {
        step: Promise.resolve(), // the step graph counts as opened
        kill: () => {},
        async call(body: { type: string; window?: Uint8Array; prompt?: Uint8Array; options?: { maxBytes: number } }, _t?: unknown, progress?: (r: Reply) => void) {
          workers.push(body.type);
          if (body.type === 'measure') {
            if (body.window!.length === fails.forward) throw new EngineError('out-of-memory', 'Out of memory');
            return { type: 'measured', id: 1, firstRunMs: 2, samplesMs: [1, 1, 1], memory: {} };
          }
          const n = body.prompt!.length + body.options!.maxBytes - 1;
          if (n === fails.decode) throw new EngineError('out-of-memory', 'Out of memory');
          for (let i = 0; i < body.options!.maxBytes; i++) progress?.({ type: 'generating', id: 1, byte: 97, ms: i ? 1 : 50, refills: 0 });
          return { type: 'generated', id: 1, stopped: false, refills: 0, stateBytes: 4 * n, capacity: n, memory: { wasmHeapBytes: 1 << 24 } };
        },
      } as unknown as ModelWorker;
      return { worker, reply: { type: 'loaded', id: 1, backend: 'wasm', wasmThreads: 1, loadMs: 1, warmMs: 0, inputNames: [], outputNames: [] } as never };
    },
  };
  return { src, workers };
}

const sweep = async (src: ModelSource, contextLengths: number[]) => {
  const got: MeasurePoint[] = [];
  await measurement(src).sweep({ modelIds: ['transformer-tiny'], backends: ['wasm'], contextLengths, decode: true }, (p) => got.push(p));
  return got;
};
const forward = (p: MeasurePoint) => (p.ok ? 'ok' : `${p.failure.kind}: ${p.failure.message}`);
const decode = (p: MeasurePoint) => (p.decode?.ok ? `${p.decode.promptBytes}+${p.decode.stepsMs.length}` : p.decode ? p.decode.failure.kind : 'none');

describe('sweeps with cached decoding', () => {
  it("go past the forward's limit, where the forward is skipped and said so; each part in a worker of its own", async () => {
    const { src, workers } = source();
    const got = await sweep(src, [512, 1024, 2048]);
    expect(got.map(forward)).toEqual(['ok', 'ok', "skipped: not run: past the one-shot forward's limit of 1,024 bytes (cached decoding goes further)"]);
    expect(got.map(decode)).toEqual(['480+32', '992+32', '2016+32']);
    expect(got[2].decode).toMatchObject({ ok: true, prefillMs: 50, msPerByte: 1, medianMs: 1, stateBytes: 4 * 2048 });
    // forward, then decoding's warm-up and timed generation in another worker; at 2,048 decoding only
    expect(workers).toEqual(['measure', 'generate', 'generate', 'measure', 'generate', 'generate', 'generate', 'generate']);
  });

  it('after a forward failure decoding goes on; after a decoding failure the forward goes on', async () => {
    const a = await sweep(source({ forward: 512 }).src, [256, 512, 1024, 2048]);
    expect(a.map(forward)).toEqual(['ok', 'out-of-memory: Out of memory', 'skipped: not run: the one-shot forward failed at N = 512', 'skipped: not run: the one-shot forward failed at N = 512']);
    expect(a.map(decode)).toEqual(['224+32', '480+32', '992+32', '2016+32']);
    const b = await sweep(source({ decode: 512 }).src, [256, 512, 1024, 2048]);
    // past the forward's limit without decoding: the forward's over-limit point, as in a sweep without decoding
    expect(b.map(forward)).toEqual(['ok', 'ok', 'ok', "over-limit: beyond this model's limit of 1,024 bytes"]);
    expect(b.map(decode)).toEqual(['224+32', 'out-of-memory', 'none', 'none']);
  });
});
