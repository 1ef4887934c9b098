// A recording fake of a step session (ONNX Runtime left out) for the decoding driver's and generation's unit tests.
import { readFileSync } from 'node:fs';
import { ManifestSchema, type Manifest } from '../../src/catalog/manifest';
import type { Feed, RunFn } from '../../src/engine/graphRunner';

export const load = (id: string): Manifest => ManifestSchema.parse(JSON.parse(readFileSync(`public/models/${id}/manifest.json`, 'utf8')));
const scalar = (f: Feed) => Number(f.data[0]);

/** A fake step session: records each call's scalars and new-byte count; returns zeros of the right shapes
 * (with `logit`, each row's logits are 1 at the byte logit(index of the call), else 0). */
export function recorder(m: Manifest, logit?: (call: number) => number) {
  const calls: Record<string, number>[] = [];
  const run: RunFn = async (feeds) => {
    const s = feeds.tokens.dims[1];
    const q = feeds.num_latents ? scalar(feeds.num_latents) : s;
    const call: Record<string, number> = { s };
    for (const [k, f] of Object.entries(feeds)) if (f.dims.length === 0) call[k] = scalar(f);
    calls.push(call);
    const logits = new Float32Array(q * 256);
    if (logit) for (let r = 0; r < q; r++) logits[r * 256 + logit(calls.length - 1)] = 1;
    const out: Awaited<ReturnType<RunFn>> = { logits: { data: logits, dims: [1, q, 256] } };
    for (const { name, axis } of m.step!.state) {
      const spec = m.step!.inputs.find((t) => t.name === name)!;
      const dims = feeds[name].dims.map((d, i) => (i === axis ? (spec.dims[i] === 'latentCapacity' ? q : s) : d));
      out[`new_${name}`] = { data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims };
    }
    return out;
  };
  return { calls, run };
}
