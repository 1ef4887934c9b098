// The page's recall probes are the evaluation's: the panel makes them through probesOf (src/state/recallData.ts),
// and they must be byte for byte what scripts/taskProbes.ts prints for the same task, parameters and seeds, which is
// what models/tests/test_tasks.py compares with Python's generator (models/tasks.py). So page = TypeScript
// generator = Python generator, without repeating that comparison here.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probesOf, recallPoints, RECALL_DEFAULTS, type RecallSettings } from '../../src/state/recallData';

const heldout = new Uint8Array(readFileSync('public/data/heldout.txt'));

describe("the page's probes", () => {
  it('are the bytes, answers and needles the evaluation generator gives for the same seeds', () => {
    const settings: RecallSettings[] = [
      { ...RECALL_DEFAULTS, probes: 2 },
      { ...RECALL_DEFAULTS, probes: 2, mqar: { ...RECALL_DEFAULTS.mqar, axis: 'pairs', pairsList: [1, 16] } },
      { ...RECALL_DEFAULTS, probes: 2, task: 'needle', needle: { lengths: [1024, 4096], depths: [0, 0.5] } },
      { ...RECALL_DEFAULTS, probes: 2, task: 'mirrored-copy', mirrored: { lengths: [256] } },
    ];
    const page = settings.flatMap((s) => recallPoints(s).flatMap((p) => probesOf(p, s, heldout)));
    const specs = page.map(({ task, params, seed }) => ({ task, params, seed }));
    expect(new Set(specs.map((s) => s.seed)).size).toBe(specs.length); // every probe its own seed
    const printed = JSON.parse(execFileSync('node_modules/.bin/tsx', ['scripts/taskProbes.ts', JSON.stringify(specs)], { encoding: 'utf8' }));
    expect(printed).toHaveLength(page.length);
    page.forEach((p, i) => {
      expect(Buffer.from(p.bytes).toString('base64')).toBe(printed[i].bytes);
      expect(p.answers).toEqual(printed[i].answers);
      expect(p.planted ?? []).toEqual(printed[i].planted);
    });
  }, 60_000);
});
