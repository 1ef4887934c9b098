// A local stand-in for the Hugging Face Hub, for tests and the bench (no network reaches the Hub here): it serves a
// folder of repos (models/hub_fixture.py's) under the Hub's URL scheme, with the Hub's headers and answers.
//
//   GET|HEAD /<org>/<repo>/resolve/<revision>/<path>   the file; ETag = sha256 for LFS files (*.onnx, *.onnx_data,
//                                                      *.safetensors), else the git blob id; X-Repo-Commit; CORS
//   GET /api/models/<org>/<repo>/tree/<revision>?recursive=true   the listing (type, path, size, oid, lfs), paged
//                                                      by a Link header as the Hub pages it
//   404 with X-Error-Code RepoNotFound / RevisionNotFound / EntryNotFound; fixture.json `server` adds per repo:
//   status (e.g. 401: private), alias (another repo's files), cutAfterBytes (graphs and weights stop mid-body: the
//   connection is dropped after that many bytes), sizes (the listing states other sizes: a model too large for WASM)
//   GET /__stats (requests per path), POST /__reset
//
//   npx tsx scripts/hub-server.ts [--port 4284] [--root models/.cache/hub] [--bench]
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureHubFixture, type HubFixture } from './lib/hubFixture';

const LFS = /\.(onnx|onnx_data(_\d+)?|safetensors|bin)$/;
const PAGE = 4; // entries per listing page (the Hub's is larger; small here so paging is exercised)

export interface HubServer {
  url: string; // http://127.0.0.1:<port>/
  server: Server;
  stats: Map<string, number>;
  close(): Promise<void>;
}

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p, base) : [relative(base, p)];
  });
}

export async function startHubServer(o: { root: string; meta: HubFixture; port?: number; host?: string }): Promise<HubServer> {
  const hashes = new Map<string, { sha256: string; oid: string }>();
  const hashOf = (file: string) => {
    let h = hashes.get(file);
    if (!h) {
      const bytes = readFileSync(file);
      h = {
        sha256: createHash('sha256').update(bytes).digest('hex'),
        oid: createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'),
      };
      hashes.set(file, h);
    }
    return h;
  };
  const stats = new Map<string, number>();
  const commit = (repo: string) => createHash('sha1').update(repo).digest('hex');

  function headers(res: ServerResponse, extra: Record<string, string | number> = {}) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'ETag, X-Repo-Commit, X-Error-Code, X-Error-Message, X-Linked-Etag, X-Linked-Size, Content-Length, Link');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  }
  function fail(res: ServerResponse, status: number, code: string, message: string) {
    headers(res, { 'Content-Type': 'application/json', 'X-Error-Code': code, 'X-Error-Message': message });
    res.writeHead(status);
    res.end(JSON.stringify({ error: message }));
  }

  /** The repo's folder and its test behaviour, or an answer already sent. */
  function repoOf(res: ServerResponse, org: string, name: string, revision: string) {
    const repo = `${org}/${name}`;
    const behaviour = o.meta.server[repo] ?? {};
    if (behaviour.status) {
      fail(res, behaviour.status, behaviour.status === 401 ? 'RepoNotFound' : 'Error', behaviour.status === 401 ? 'Invalid username or password.' : 'error');
      return undefined;
    }
    const dir = join(o.root, ...(behaviour.alias ?? repo).split('/'));
    if (!existsSync(join(dir, 'config.json'))) return void fail(res, 404, 'RepoNotFound', 'Repository not found');
    if (revision !== 'main' && revision !== commit(repo)) return void fail(res, 404, 'RevisionNotFound', 'Invalid rev id: ' + revision);
    return { repo, dir, behaviour };
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    stats.set(path, (stats.get(path) ?? 0) + 1);
    if (req.method === 'OPTIONS') {
      headers(res, { 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': '*' });
      return res.writeHead(204).end();
    }
    if (path === '/__stats') return headers(res, { 'Content-Type': 'application/json' }), res.end(JSON.stringify(Object.fromEntries(stats)));
    if (path === '/__reset') return stats.clear(), headers(res), res.end('ok');

    const tree = /^\/api\/models\/([^/]+)\/([^/]+)\/tree\/([^/]+)\/?$/.exec(path);
    if (tree) {
      const r = repoOf(res, tree[1], tree[2], tree[3]);
      if (!r) return;
      const entries = walk(r.dir)
        .sort()
        .map((p) => {
          const file = join(r.dir, p);
          const size = r.behaviour.sizes?.[p] ?? statSync(file).size;
          const h = hashOf(file);
          return LFS.test(p)
            ? { type: 'file', oid: h.oid, size: 134, path: p, lfs: { oid: h.sha256, size, pointerSize: 134 } }
            : { type: 'file', oid: h.oid, size, path: p };
        });
      const cursor = Number(url.searchParams.get('cursor') ?? 0);
      const page = entries.slice(cursor, cursor + PAGE);
      const extra: Record<string, string> = { 'Content-Type': 'application/json' };
      if (cursor + PAGE < entries.length) {
        const next = new URL(req.url ?? '/', `http://${req.headers.host}`);
        next.searchParams.set('cursor', String(cursor + PAGE));
        extra.Link = `<${next.href}>; rel="next"`;
      }
      headers(res, extra);
      return res.end(JSON.stringify(page));
    }

    const file = /^\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return fail(res, 404, 'EntryNotFound', 'Not found');
    const r = repoOf(res, file[1], file[2], file[3]);
    if (!r) return;
    const local = join(r.dir, ...file[4].split('/'));
    if (!local.startsWith(r.dir) || !existsSync(local) || statSync(local).isDirectory()) return fail(res, 404, 'EntryNotFound', `${file[4]} does not exist`);
    const body = readFileSync(local);
    const h = hashOf(local);
    const lfs = LFS.test(file[4]);
    headers(res, {
      'Content-Type': lfs ? 'application/octet-stream' : 'text/plain; charset=utf-8',
      'Content-Length': body.length,
      ETag: `"${lfs ? h.sha256 : h.oid}"`,
      'X-Repo-Commit': commit(r.repo),
      ...(lfs && { 'X-Linked-Etag': `"${h.sha256}"`, 'X-Linked-Size': body.length }),
    });
    res.writeHead(200);
    if (req.method === 'HEAD') return res.end();
    const cut = r.behaviour.cutAfterBytes;
    if (cut !== undefined && lfs && body.length > cut) {
      // the network failing mid-download: part of the body, then the connection drops
      res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(body);
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, o.host ?? '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${o.host ?? '127.0.0.1'}:${port}/`,
    server,
    stats,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const arg = (name: string) => process.argv[process.argv.indexOf(`--${name}`) + 1];
  const bench = process.argv.includes('--bench');
  const { root, meta } = process.argv.includes('--root') ? { root: arg('root'), meta: JSON.parse(readFileSync(join(arg('root'), 'fixture.json'), 'utf8')) } : ensureHubFixture(bench ? 'bench' : 'tiny');
  const port = process.argv.includes('--port') ? Number(arg('port')) : 4284;
  startHubServer({ root, meta, port }).then((s) => console.log(`Hub stand-in serving ${root} at ${s.url}`));
}
