import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ManifestSchema, ModelIndexSchema, TrainingLogSchema } from '../../src/catalog/manifest';

const index = ModelIndexSchema.parse(JSON.parse(readFileSync('public/models/index.json', 'utf8')));
const load = (id: string) => JSON.parse(readFileSync(`public/models/${id}/manifest.json`, 'utf8'));

describe('manifests', () => {
  it.each(index.models)('%s validates', (id) => {
    const m = ManifestSchema.parse(load(id));
    expect(m.id).toBe(id);
  });
  it.each(index.models.filter((id) => load(id).training))('%s: its training log lies next to the manifest and reaches the last step', (id) => {
    const m = ManifestSchema.parse(load(id));
    const log = TrainingLogSchema.parse(JSON.parse(readFileSync(`public/models/${id}/${m.training!.log}`, 'utf8')));
    expect(log.length).toBeGreaterThan(10);
    expect(log.at(-1)!.step).toBeGreaterThan(m.training!.steps - 10); // logged every 10 steps
  });
  it('every family ships a tiny model for browser tests', () => {
    const families = (suffix: string) => new Set(index.models.filter((id) => id.endsWith(suffix)).map((id) => load(id).family));
    expect([...families('-tiny')].sort()).toEqual([...families('')].sort());
  });
  it('the page opens with the models the registry marks as default', () => {
    expect(index.models.filter((id) => load(id).defaultSelected).sort()).toEqual(['perceiver-ar-compare', 'transformer-compare']);
  });
  it('rejects malformed manifests with a path to the problem', () => {
    const good = load(index.models[0]);
    const bad = [
      { ...good, io: 'sideways' },
      { ...good, graph: { ...good.graph, sha256: 'xyz' } },
      { ...good, config: { ...good.config, dModel: -1 } },
      { ...good, id: 'Has Spaces' },
    ];
    for (const b of bad) {
      const r = ManifestSchema.safeParse(b);
      expect(r.success).toBe(false);
      expect(r.error!.issues[0].path.length).toBeGreaterThan(0);
    }
  });
  it('rejects a step graph whose state has no matching input, output or axis', () => {
    const good = load('transformer-tiny');
    expect(ManifestSchema.safeParse(good).success).toBe(true);
    const step = good.step;
    const bad = [
      { ...step, outputs: step.outputs.filter((t: { name: string }) => t.name !== 'new_keys_0') },
      { ...step, state: [...step.state, { name: 'ghost' }] },
      { ...step, state: [{ name: 'keys_0', axis: 9 }] },
      { ...step, file: '../model.onnx' },
    ];
    for (const b of bad) expect(ManifestSchema.safeParse({ ...good, step: b }).error!.issues[0].path[0]).toBe('step');
  });
  // the developers' guide: bundled models under ~100 MB in all (82.5 MB with the 13 recall models of issue 18)
  it('bundled files stay light: each under 25 MB, all under 100 MB', () => {
    const sizes = index.models.flatMap((id) => [load(id).graph.bytes, load(id).step?.bytes ?? 0]);
    expect(Math.max(...sizes)).toBeLessThan(25e6);
    expect(sizes.reduce((a: number, b: number) => a + b, 0)).toBeLessThan(100e6);
  });
});
