// The page's measured example (public/data/example-results.json): the default comparison's latency and WASM heap
// over N, from the project's benchmark on the quiet 2-core machine (docs/bench, WASM with 2 threads), shown in the
// charts, labelled as measured there, until this page's own sweep measures the model. Run: npx tsx scripts/exampleResults.ts
import { readFileSync, writeFileSync } from 'node:fs';

const SOURCES = ['docs/bench/quick-quiet-2026-11-30.json', 'docs/bench/families-quiet-2026-11-30.json'];
const seen = new Set<string>();
const points = SOURCES.flatMap((file) => {
  const run = JSON.parse(readFileSync(file, 'utf8'));
  return (run.points as Record<string, unknown>[]).filter((p) => {
    const key = `${p.modelId}|${p.contextLength}`;
    if (p.variant !== 'wasm 2t' || !p.ok || seen.has(key)) return false; // the default threads, points that ran; the first source wins
    seen.add(key);
    return true;
  });
}).map(({ variant: _variant, ...p }) => p);
points.sort((a, b) => String(a.modelId).localeCompare(String(b.modelId)) || (a.contextLength as number) - (b.contextLength as number));
const savedAt = SOURCES.map((f) => JSON.parse(readFileSync(f, 'utf8')).stamp as string).sort().at(-1);
const out = { format: 'long-context-playground/results', version: 1, savedAt, from: SOURCES, points };
writeFileSync('public/data/example-results.json', JSON.stringify(out, null, 1) + '\n');
console.log(`wrote public/data/example-results.json: ${points.length} points from ${SOURCES.join(', ')}`);
