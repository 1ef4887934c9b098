// What the layout promises, checked on the sources themselves: the catalog (what models are) never imports the
// engine (how they run), and the page reaches the engine only through its public API.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : /\.tsx?$/.test(f) ? [join(dir, f)] : []));

/** The repository paths a source file imports (relative imports only). */
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)].map((m) => normalize(join(dirname(file), m[1])));

describe('layout', () => {
  it('no module under src/catalog imports src/engine', () => {
    const arrows = files('src/catalog').flatMap((f) => importsOf(f).filter((p) => p.startsWith('src/engine')).map((p) => `${f} -> ${p}`));
    expect(arrows).toEqual([]);
  });

  it('the page (state, ui, main) imports the engine only through src/engine/index.ts', () => {
    const page = [...files('src/state'), ...files('src/ui'), 'src/main.tsx', 'src/automation.ts'];
    const arrows = page.flatMap((f) => importsOf(f).filter((p) => p.startsWith('src/engine') && p !== 'src/engine').map((p) => `${f} -> ${p}`));
    expect(arrows).toEqual([]);
  });

  it('no slice imports the store, and src/state has no import circle (types included)', () => {
    const state = files('src/state');
    expect(state.filter((f) => f !== 'src/state/store.ts' && importsOf(f).some((p) => p === 'src/state/store'))).toEqual([]);
    const resolve = (p: string) => [`${p}.ts`, `${p}/index.ts`].find((f) => state.includes(f));
    const edges = new Map(state.map((f) => [f, importsOf(f).map(resolve).filter((x): x is string => !!x)]));
    const circles: string[] = [];
    const done = new Set<string>();
    const visit = (f: string, path: string[]) => {
      if (path.includes(f)) return void circles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
      if (done.has(f)) return;
      for (const g of edges.get(f)!) visit(g, [...path, f]);
      done.add(f);
    };
    state.forEach((f) => visit(f, []));
    expect(circles).toEqual([]);
  });
});
