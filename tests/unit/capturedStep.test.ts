// Which models' one-byte steps can be replayed from a captured WebGPU graph (src/engine/capturedStep.ts), read from
// the bundled manifests; e2e/step.spec.ts runs the captured steps themselves on the software adapter.
import { describe, expect, it } from 'vitest';
import { readIndex, readManifest } from '../../scripts/lib/nodeModel';
import { uncapturable } from '../../src/engine/capturedStep';

const tiny = readIndex().filter((id) => id.endsWith('-tiny') && readManifest(id).step);

describe('captured steps', () => {
  it('the decoders with a fixed-shape step can be captured; the others say why', () => {
    const can = tiny.filter((id) => !uncapturable(readManifest(id))).sort();
    expect(can).toEqual(['based-tiny', 'linear-transformer-tiny', 'memory-efficient-tiny', 'primer-tiny', 'transformer-gelu-tiny', 'transformer-pp-tiny', 'transformer-tiny']);
    expect(uncapturable(readManifest('sliding-window-tiny'))).toMatch(/shapes change with the position/);
    expect(uncapturable(readManifest('perceiver-ar-tiny'))).toMatch(/refill the latent cache/);
    expect(uncapturable(readManifest('transformer-xl-tiny'))).toMatch(/shift the memory/);
  });

  it('a step graph that takes its position as int64 cannot be (WebGPU has no int64 Cast)', () => {
    const m = structuredClone(readManifest('transformer-tiny'));
    m.step!.inputs.find((t) => t.name === 'past')!.dtype = 'int64';
    expect(uncapturable(m)).toMatch(/int64/);
  });
});
