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
});
