// What the layout promises, checked on the sources themselves: the catalog (what models are) never imports the
// engine (how they run); what an attention kind means lives in its file under src/catalog/kinds, so nothing else
// under src/ switches on a kind's name or a manifest's io, and every kind file is listed.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';
import { KIND_NAMES } from '../../src/catalog/kinds';

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : /\.tsx?$/.test(f) ? [join(dir, f)] : []));

/** The repository paths a source file imports (relative imports only). */
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)].map((m) => normalize(join(dirname(file), m[1])));

const KINDS_DIR = 'src/catalog/kinds';
const names = [...new Set([...KIND_NAMES, 'full', 'latents', 'segments'])].join('|'); // kinds and io values
/** A comparison of .io or .kind with a kind's name (either way round), a `case` on one, or attention.kind read. */
const SWITCH = new RegExp(
  String.raw`\.(io|kind)\s*[!=]==?\s*['"](${names})['"]|['"](${names})['"]\s*[!=]==?\s*[\w.]+\.(io|kind)\b|case\s+['"](${names})['"]|attention\??\.kind\b`,
);

describe('layout', () => {
  it('no module under src/catalog imports src/engine', () => {
    const arrows = files('src/catalog').flatMap((f) => importsOf(f).filter((p) => p.startsWith('src/engine')).map((p) => `${f} -> ${p}`));
    expect(arrows).toEqual([]);
  });

  it('nothing under src/ or scripts/ outside src/catalog/kinds switches on an attention kind or io by name', () => {
    const offenders = [...files('src'), ...files('scripts')]
      .filter((f) => !f.startsWith(KINDS_DIR))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (SWITCH.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])));
    expect(offenders).toEqual([]);
  });

  it('the pattern above catches the switches it is meant to', () => {
    for (const line of ["if (m.io === 'latents')", "a.kind !== 'segments'", "case 'sparse-fixed':", "'window' === m.config.attention.kind", 'm.config.attention.kind'])
      expect(SWITCH.test(line), line).toBe(true);
    for (const line of ["f.kind === 'cancelled'", "m.config.window === 'prefix'", "p.kind === 'copy'"]) expect(SWITCH.test(line), line).toBe(false);
  });

  it('every kind has its file, and every file there that defines a kind is listed', () => {
    for (const k of KIND_NAMES) expect(statSync(join(KINDS_DIR, `${k}.ts`)).isFile(), k).toBe(true);
    const defining = files(KINDS_DIR).filter((f) => /^export const kind\b/m.test(readFileSync(f, 'utf8'))).map((f) => basename(f, '.ts'));
    expect(defining.sort()).toEqual([...KIND_NAMES].sort());
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
