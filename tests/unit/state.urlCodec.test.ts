// The share-link codec beyond the basics in urlCodec.test.ts: "&run=1", results in links, and hostile links.
import { describe, expect, it } from 'vitest';
import { deflateSync, strToU8 } from 'fflate';
import { decodeState, encodeState, MAX_SHARED_POINTS, type SharedState } from '../../src/state/link';
import type { MeasurePoint, MeasurePointOk, Provenance } from '../../src/engine/types';

const base: SharedState = { v: 1, models: ['transformer-tiny'], backend: 'auto', context: 1024, input: { preset: { kind: 'heldout' } } };
const packed = (x: unknown) => `#s=${Buffer.from(deflateSync(strToU8(JSON.stringify(x)))).toString('base64url')}`;
const est = { weightsBytes: 1, activationsBytes: 2, attentionBytes: 3, cacheBytes: 0, totalBytes: 6, flops: 7, largestTensorBytes: 3 };
const ok: MeasurePoint = {
  ok: true, modelId: 'transformer-tiny', backend: 'wasm', contextLength: 256, firstRunMs: 5, samplesMs: [1, 2, 3], medianMs: 2, p95Ms: 3,
  bytesPerSec: 128000, memory: { wasmHeapBytes: 1 << 24 }, estimate: est, wasmThreads: 2,
};
const failed: MeasurePoint = {
  ok: false, modelId: 'transformer-tiny', backend: 'webgpu', contextLength: 8192, estimate: est,
  failure: { kind: 'out-of-memory', message: 'Out of memory: <img src=x onerror=alert(1)>' },
};
const provenance: Provenance = {
  browser: 'Firefox 140.0', platform: 'Linux x86_64', hardwareThreads: 4, crossOriginIsolated: false, ep: 'wasm', wasmThreads: 1,
  ort: '1.30.0', app: '0.1.0', measuredAt: '2026-11-02T10:00:00.000Z',
};
const error = (hash: string) => {
  const d = decodeState(hash);
  expect(d.ok).toBe(false);
  return (d as { error: string }).error;
};

describe('share links: run flag', () => {
  it('"&run=1" appended to any link asks for a re-run', () => {
    const frag = encodeState(base);
    expect(decodeState(`#${frag}`)).toEqual({ ok: true, state: base });
    expect(decodeState(`#${frag}&run=1`)).toEqual({ ok: true, state: { ...base, run: true } });
  });
  it('other suffixes are not a playground link', () => {
    expect(error(`#${encodeState(base)}&run=2`)).toMatch(/not a playground link/);
    expect(error(`#${encodeState(base)}&x=<script>`)).toMatch(/not a playground link/);
  });
});

describe('share links: results', () => {
  it('round-trip, failures and their messages included (as plain strings), provenance included', () => {
    const s = { ...base, results: [{ ...ok, provenance }, failed] };
    expect(decodeState(encodeState(s))).toEqual({ ok: true, state: s });
  });
  it('a point from before the rename (tokensPerSec) decodes as bytesPerSec', () => {
    const { bytesPerSec, ...rest } = ok as MeasurePointOk;
    expect(decodeState(packed({ ...base, results: [{ ...rest, tokensPerSec: bytesPerSec }] }))).toEqual({ ok: true, state: { ...base, results: [ok] } });
  });
  it('a link without input decodes (the page then says it carries none)', () => {
    const { input: _drop, ...noInput } = base;
    void _drop;
    expect(decodeState(encodeState(noInput))).toEqual({ ok: true, state: noInput });
  });
  it.each([
    ['a negative latency', [{ ...ok, medianMs: -1 }], /results\.0\.medianMs/],
    ['a number as text', [{ ...ok, contextLength: '256' }], /results\.0\.contextLength/],
    ['an unknown failure kind', [{ ...failed, failure: { kind: 'pwned', message: 'x' } }], /results\.0\.failure\.kind/],
    ['an overlong failure message', [{ ...failed, failure: { kind: 'unknown', message: 'x'.repeat(1001) } }], /results\.0\.failure\.message/],
    ['markup as a model id', [{ ...ok, modelId: '<svg onload=alert(1)>' }], /results\.0\.modelId/],
    ['an unknown execution provider', [{ ...ok, provenance: { ...provenance, ep: 'cuda' } }], /results\.0\.provenance\.ep/],
    ['a time that is not a time', [{ ...ok, provenance: { ...provenance, measuredAt: 'yesterday' } }], /results\.0\.provenance\.measuredAt/],
    ['too many points', Array(MAX_SHARED_POINTS + 1).fill(ok), /results/],
  ])('rejects results with %s', (_label, results, re) => {
    expect(error(packed({ ...base, results }))).toMatch(re);
  });
});

describe('share links: hostile or broken data', () => {
  it('script in the text is kept as text, byte for byte: the page renders it escaped', () => {
    const text = '</textarea><script>alert(document.cookie)</script><img src=x onerror=alert(1)>';
    const d = decodeState(encodeState({ ...base, input: { text } }));
    expect(d).toEqual({ ok: true, state: { ...base, input: { text } } });
  });
  it('unknown fields are dropped, not passed on (no prototype tricks)', () => {
    const json = `{"__proto__":{"polluted":true},"extra":"<b>x</b>",${JSON.stringify(base).slice(1)}`;
    const d = decodeState(`s=${Buffer.from(deflateSync(strToU8(json))).toString('base64url')}`);
    expect(d.ok).toBe(true);
    const state = (d as { state: object }).state;
    expect(Object.keys(state).sort()).toEqual(Object.keys(base).sort());
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
  it.each([
    ['JSON that is not an object', packed('hello'), /invalid settings/],
    ['an array', packed([1, 2]), /invalid settings/],
    ['a future version', packed({ ...base, v: 2 }), /invalid settings.*v/],
    ['a context of a billion bytes', packed({ ...base, context: 1e9 }), /context/],
    ['a fractional context', packed({ ...base, context: 1000.5 }), /context/],
    ['a copy distance past any model', packed({ ...base, input: { preset: { kind: 'copy', distance: 1e7, seed: 1 } } }), /input/],
    ['an unknown preset', packed({ ...base, input: { preset: { kind: 'file', path: '/etc/passwd' } } }), /input/],
    ['too many models', packed({ ...base, models: Array(21).fill('transformer-tiny') }), /models/],
    ['deflate data cut short', `#s=${Buffer.from(deflateSync(strToU8(JSON.stringify(base)))).subarray(0, 20).toString('base64url')}`, /damaged/],
    ['bytes that are not UTF-8 JSON', `#s=${Buffer.from(deflateSync(new Uint8Array([0xff, 0xfe, 0x7b]))).toString('base64url')}`, /damaged/],
  ])('rejects %s with a clear message', (_label, hash, re) => {
    expect(error(hash)).toMatch(re);
  });
  it('never throws, whatever the fragment', () => {
    for (const hash of ['#', '#s=', '#s', '#s==', '#s=%3Cscript%3E', `#s=${'_'.repeat(5000)}`, '#run=1', '#&run=1', '#s=AAAA&run=1'])
      expect(() => decodeState(hash)).not.toThrow();
  });
});
