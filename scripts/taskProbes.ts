// Prints the probes of src/tasks for a JSON list of {task, params, seed} (argv[2]) as JSON: bytes in base64, answers,
// planted. models/tests/test_tasks.py compares them with models/tasks.py's (needle filler: public/data/heldout.txt).
import { readFileSync } from 'node:fs';
import { makeProbe, type TaskName } from '../src/tasks';

const specs = JSON.parse(process.argv[2]) as { task: TaskName; params: Record<string, number>; seed: number }[];
const heldout = new Uint8Array(readFileSync('public/data/heldout.txt'));
const out = specs.map(({ task, params, seed }) => {
  const p = makeProbe(task, params, seed, task === 'needle' ? heldout : undefined);
  return { bytes: Buffer.from(p.bytes).toString('base64'), answers: p.answers, planted: p.planted ?? [] };
});
process.stdout.write(JSON.stringify(out));
