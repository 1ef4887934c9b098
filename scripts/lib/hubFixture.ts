// The Hub repos models/hub_fixture.py makes (issue 20), generated on first use and again whenever the generator
// changes (fixture.json records its sha256): tests, the local Hub server and the bench read them from here.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const GENERATOR = join(ROOT, 'models', 'hub_fixture.py');

export interface HubFixture {
  generator: string;
  org: string;
  config: { vocab: number; d: number; layers: number; heads: number; kv_heads: number; ffn: number; max_positions: number };
  repos: Record<string, { layout: 'with-past' | 'merged' | 'no-cache'; variants: string[] }>;
  refusals?: Record<string, string>;
  server: Record<string, { status?: number; alias?: string; cutAfterBytes?: number; sizes?: Record<string, number> }>;
  reference?: { text: string; ids: number[]; greedy: number[]; lastLogits: number[] };
}

/** The fixture's folder (models/.cache/hub, or hub-bench for the 24M-parameter bench model), made if needed. */
export function ensureHubFixture(kind: 'tiny' | 'bench' = 'tiny'): { root: string; meta: HubFixture } {
  const root = join(ROOT, 'models', '.cache', kind === 'bench' ? 'hub-bench' : 'hub');
  const want = createHash('sha256').update(readFileSync(GENERATOR)).digest('hex');
  const metaPath = join(root, 'fixture.json');
  const read = () => (existsSync(metaPath) ? (JSON.parse(readFileSync(metaPath, 'utf8')) as HubFixture) : undefined);
  let meta = read();
  if (meta?.generator !== want) {
    const args = [GENERATOR, '--out', root, ...(kind === 'bench' ? ['--bench'] : [])];
    const r = spawnSync('/usr/bin/python3', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`models/hub_fixture.py failed: ${r.stderr.slice(-2000)}`);
    meta = read()!;
  }
  return { root, meta };
}
