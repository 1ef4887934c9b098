// The recall tasks, one seeded generator each, byte for byte the same as models/tasks.py (pytest runs this module
// through tsx and compares): the page makes probes no model trained on, the evaluation makes the same ones.
import { mirroredCopy } from './mirroredCopy';
import { mqar } from './mqar';
import { needle } from './needle';
import type { Probe, TaskName } from './types';
import { TAIL } from './types';

export type { Probe, Span, TaskName } from './types';
export { TAIL } from './types';

export function makeProbe(task: TaskName, params: Record<string, number>, seed: number, filler?: Uint8Array): Probe {
  const made =
    task === 'mqar' ? mqar(params, seed) : task === 'needle' ? needle(params, seed, filler) : task === 'mirrored-copy' ? mirroredCopy(params, seed) : null;
  if (!made) throw new Error(`unknown task ${String(task)}`);
  if (made.answers.some((a) => a.start < made.bytes.length - TAIL)) throw new Error('an answer outside the last 64 bytes');
  return { task, params: { ...params }, seed, ...made };
}

/** exact: every expected byte predicted; bytesRight: how many. */
export function scoreAnswer(expected: Uint8Array, predicted: Uint8Array): { exact: boolean; bytesRight: number } {
  let bytesRight = 0;
  for (let i = 0; i < Math.min(expected.length, predicted.length); i++) if (expected[i] === predicted[i]) bytesRight++;
  return { exact: bytesRight === expected.length && predicted.length === expected.length, bytesRight };
}

/** The expected bytes of each answer span. */
export const answerBytes = (p: Probe) => p.answers.map((a) => p.bytes.subarray(a.start, a.start + a.length));
