// The README and docs/*.md link into the repository (models, engine, charts' data): every relative link must point
// at a file or folder that exists, and a link to a heading of a Markdown file at a heading that exists (GitHub's
// anchors). A file moved or renamed without its links fails here. Links in code (fenced or inline) are not links.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The Markdown files whose links are checked. */
const DOCS = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

/** Markdown without its fenced code blocks (a path in code is not a link). */
const withoutFences = (md: string) => md.replace(/^ {0,3}(```|~~~)[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm, '');

/** Every link target in a Markdown text: inline links and images, and reference definitions. */
export function linkTargets(md: string): string[] {
  const text = withoutFences(md).replace(/`[^`\n]*`/g, '');
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*)?\)/g)].map((m) => m[1]);
  const defs = [...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
  return [...inline, ...defs];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
export const slug = (heading: string) =>
  heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '').trim().toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

/** The anchors a Markdown text offers: its headings (repeats get -1, -2, ... as on GitHub) and explicit ids. */
export function anchorsOf(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of withoutFences(md).matchAll(/^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  for (const m of md.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

/** The relative links of one Markdown file (its path, its text) that point at nothing, with why. */
export function brokenLinks(file: string, md: string): string[] {
  const broken: string[] = [];
  for (const target of linkTargets(md)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue; // http(s):, mailto:, ...
    const [rawPath, anchor] = target.split('#', 2);
    const path = rawPath ? join(dirname(file), decodeURIComponent(rawPath)) : file;
    if (!existsSync(path)) {
      broken.push(`${file}: ${target} (no such file)`);
      continue;
    }
    if (anchor === undefined || !path.endsWith('.md') || !statSync(path).isFile()) continue;
    if (!anchorsOf(readFileSync(path, 'utf8')).has(decodeURIComponent(anchor))) broken.push(`${file}: ${target} (no such heading)`);
  }
  return broken;
}

describe('links in the README and docs/', () => {
  it('finds broken links and anchors (the checker itself)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-links-'));
    writeFileSync(join(dir, 'other.md'), '# Other\n## Measured on this machine (`npm run bench`)\n## Twice\n## Twice\n');
    const md = [
      '# Here', '[ok](other.md) [ok](other.md#measured-on-this-machine-npm-run-bench) [ok](other.md#twice-1)',
      '[ok](#here) ![ok](other.md) [web](https://example.com/x.md) `[code](gone.md)`',
      '```', '[code](gone-too.md)', '```',
      '[gone](missing.md) ![gone](img/missing.png) [bad anchor](other.md#nowhere) [bad](#nowhere-here)',
      '[ref]: missing-ref.md',
    ].join('\n');
    const file = join(dir, 'here.md');
    writeFileSync(file, md);
    expect(brokenLinks(file, md)).toEqual([
      `${file}: missing.md (no such file)`,
      `${file}: img/missing.png (no such file)`,
      `${file}: other.md#nowhere (no such heading)`,
      `${file}: #nowhere-here (no such heading)`,
      `${file}: missing-ref.md (no such file)`,
    ]);
  });

  it.each(DOCS)('%s: every relative link resolves', (file) => {
    const md = readFileSync(file, 'utf8');
    expect(linkTargets(md).length).toBeGreaterThan(0);
    expect(brokenLinks(file, md)).toEqual([]);
  });

  it('the README opens with the two commands, both scripts of package.json, then the 1440 x 900 first screen', () => {
    const readme = readFileSync('README.md', 'utf8');
    const lines = readme.split('\n');
    expect(lines[0]).toBe('# Long-Context Playground');
    expect(lines.slice(2, 6).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(['```bash', 'npm start', 'npm test', '```']);
    const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts;
    expect(scripts.start && scripts.test).toBeTruthy();
    const image = linkTargets(readme).find((t) => t.endsWith('.png'));
    expect(image).toBe('docs/first-screen-1440x900.png');
    expect(linkTargets(readme)).toContain('docs/first-screen-1280x720.png');
  });
});
