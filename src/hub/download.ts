// Hub files into this browser: fetched with progress, checked (sha256 where the Hub gives one, the git blob id of a
// small file, else the ETag is only recorded), then kept in the Cache API. A download that stops part way (the
// network failing, a short body) throws and is never cached. The cached panel lists and deletes them per repo.
import type { RepoRef } from './hubUrl';
import { refusal, sizeText, type Refusal, type RepoFile } from './layout';

export const HUB_CACHE = 'lcp-hub-v1';

/** A failure with its refusal (kind and message for the person), thrown by the functions here. */
export class HubError extends Error {
  constructor(public readonly refusal: Refusal) {
    super(refusal.message);
    this.name = 'HubError';
  }
}

export interface FileProgress {
  path: string;
  loadedBytes: number;
  totalBytes: number; // 0 when unknown
  fromCache: boolean;
}

export interface FetchedFile {
  bytes: Uint8Array;
  fromCache: boolean;
  /** What vouched for the bytes: their sha256, the git blob id, or nothing the page could check (the ETag kept). */
  checked: 'sha256' | 'git-oid' | 'none';
  etag?: string;
}

const hex = (buf: ArrayBuffer) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
export const sha256Hex = async (bytes: Uint8Array) => hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
/** git's blob id: sha1("blob <size>\0" + content): what the Hub lists, and sends as ETag, for a non-LFS file. */
export async function gitBlobOid(bytes: Uint8Array): Promise<string> {
  const head = new TextEncoder().encode(`blob ${bytes.length}\0`);
  const all = new Uint8Array(head.length + bytes.length);
  all.set(head);
  all.set(bytes, head.length);
  return hex(await crypto.subtle.digest('SHA-1', all));
}


/** The Hub's answer for a missing or private repo or file, in words. */
export function httpRefusal(status: number, errorCode: string | null, what: string, ref: RepoRef): Refusal {
  const detail = `HTTP ${status}${errorCode ? ` (${errorCode})` : ''}`;
  if (errorCode === 'RevisionNotFound') return refusal('not-found', `${ref.repo} has no revision "${ref.revision}".`, detail);
  if (errorCode === 'EntryNotFound') return refusal('not-found', `${ref.repo} has no file ${what}.`, detail);
  if (status === 401 || status === 403)
    return refusal(
      'private',
      `${ref.repo} was not found, or it is private or gated: the Hub answers both alike without a sign-in, and this page does not sign in. Check the id; a private model can be dropped here as a folder instead.`,
      detail,
    );
  if (status === 404) return refusal('not-found', `${ref.repo} (revision ${ref.revision}) was not found: check the id${what ? ` (asked for ${what})` : ''}.`, detail);
  return refusal('network', `The Hub answered HTTP ${status} for ${what || ref.repo}: try again later.`, detail);
}

const open = () => (typeof caches !== 'undefined' ? caches.open(HUB_CACHE) : Promise.resolve(undefined));

/**
 * One file: from the cache when it holds these bytes (a listing's sha256 that differs means the branch moved:
 * fetched again), else from `url` with progress; checked, then cached.
 */
export async function fetchHubFile(
  url: string,
  ref: RepoRef,
  file: RepoFile,
  o: { onProgress?: (p: FileProgress) => void; signal?: AbortSignal; cache?: boolean } = {},
): Promise<FetchedFile> {
  const cache = o.cache === false ? undefined : await open();
  const hit = await cache?.match(url);
  if (hit && (!file.sha256 || hit.headers.get('x-lcp-sha256') === file.sha256) && (!file.gitOid || hit.headers.get('x-lcp-git-oid') === file.gitOid)) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    o.onProgress?.({ path: file.path, loadedBytes: bytes.length, totalBytes: bytes.length, fromCache: true });
    return { bytes, fromCache: true, checked: (hit.headers.get('x-lcp-checked') as FetchedFile['checked']) ?? 'none', etag: hit.headers.get('x-lcp-etag') ?? undefined };
  }
  let res: Response;
  try {
    res = await fetch(url, { signal: o.signal });
  } catch (e) {
    if (o.signal?.aborted) throw e;
    throw new HubError(refusal('network', `Could not reach the Hub for ${file.path} (${ref.repo}): check the network or the Hub address.`, String(e)));
  }
  if (!res.ok || !res.body) throw new HubError(httpRefusal(res.status, res.headers.get('x-error-code'), file.path, ref));
  const etag = (res.headers.get('x-linked-etag') ?? res.headers.get('etag') ?? undefined)?.replace(/^W\//, '').replaceAll('"', '');
  const total = Number(res.headers.get('content-length')) || file.size || 0;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const stopped = (why: string, detail?: string) =>
    new HubError(
      refusal(
        'network',
        `The download of ${file.path} (${ref.repo}) stopped after ${sizeText(loaded)}${total ? ` of ${sizeText(total)}` : ''}: ${why}. Nothing of it was kept; load the model again to retry.`,
        detail,
      ),
    );
  try {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      o.onProgress?.({ path: file.path, loadedBytes: loaded, totalBytes: total, fromCache: false });
    }
  } catch (e) {
    if (o.signal?.aborted) throw e;
    throw stopped('the network failed', String(e));
  }
  const expected = file.size ?? (res.headers.get('content-encoding') ? undefined : total || undefined);
  if (expected !== undefined && loaded !== expected) throw stopped(`the file has ${sizeText(expected)}`, `${loaded} of ${expected} bytes`);
  const bytes = new Uint8Array(loaded);
  chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);

  let checked: FetchedFile['checked'] = 'none';
  const sha = file.sha256 ?? (etag && /^[0-9a-f]{64}$/.test(etag) ? etag : undefined);
  const oid = file.gitOid ?? (!sha && etag && /^[0-9a-f]{40}$/.test(etag) ? etag : undefined);
  if (sha) {
    const got = await sha256Hex(bytes);
    if (got !== sha) throw new HubError(refusal('corrupt', `${file.path} (${ref.repo}) arrived corrupted: its sha256 is not the one the Hub lists. Nothing was kept; try again.`, `sha256 ${got} != ${sha}`));
    checked = 'sha256';
  } else if (oid) {
    const got = await gitBlobOid(bytes);
    if (got !== oid) throw new HubError(refusal('corrupt', `${file.path} (${ref.repo}) arrived corrupted: its git blob id is not the one the Hub gives. Nothing was kept; try again.`, `${got} != ${oid}`));
    checked = 'git-oid';
  }
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'x-lcp-repo': ref.repo,
    'x-lcp-revision': ref.revision,
    'x-lcp-path': file.path,
    'x-lcp-size': String(loaded),
    'x-lcp-checked': checked,
  };
  if (sha) headers['x-lcp-sha256'] = sha;
  if (oid) headers['x-lcp-git-oid'] = oid;
  if (etag) headers['x-lcp-etag'] = etag;
  await cache?.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers })).catch(() => undefined); // a full disk keeps the model, uncached
  return { bytes, fromCache: false, checked, etag };
}

export interface CachedRepo {
  repo: string;
  revision: string;
  files: { path: string; bytes: number; url: string }[];
  bytes: number;
}

/** The Hub files this browser keeps, per repo and revision (sizes from the entries' headers: no body is read). */
export async function listHubCache(): Promise<CachedRepo[]> {
  const cache = await open();
  if (!cache) return [];
  const repos = new Map<string, CachedRepo>();
  for (const req of await cache.keys()) {
    const h = (await cache.match(req))?.headers;
    if (!h) continue;
    const repo = h.get('x-lcp-repo') ?? '?';
    const revision = h.get('x-lcp-revision') ?? '?';
    const key = `${repo}@${revision}`;
    const r = repos.get(key) ?? { repo, revision, files: [], bytes: 0 };
    const bytes = Number(h.get('x-lcp-size')) || 0;
    r.files.push({ path: h.get('x-lcp-path') ?? req.url, bytes, url: req.url });
    r.bytes += bytes;
    repos.set(key, r);
  }
  return [...repos.values()].sort((a, b) => a.repo.localeCompare(b.repo));
}

/** Deletes a repo's cached files (one revision, or all of them). */
export async function deleteHubCache(repo: string, revision?: string): Promise<number> {
  let n = 0;
  const cache = await open();
  if (!cache) return 0;
  for (const r of await listHubCache())
    if (r.repo === repo && (revision === undefined || r.revision === revision)) for (const f of r.files) n += Number(await cache.delete(f.url));
  return n;
}
