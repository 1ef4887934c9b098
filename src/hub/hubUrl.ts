// Where a Hub repo's files are: the Hub's URL scheme with a configurable host and path template, as transformers.js's
// env.remoteHost / env.remotePathTemplate ('{model}/resolve/{revision}/'), so a mirror or a plain folder of repos
// serves as well. What a person types (a repo id, `id@revision`, a Hub URL) is read into a repo and a revision.
import { refusal, type Refusal } from './layout';

export interface HubAddress {
  host: string; // e.g. 'https://huggingface.co/' (a trailing slash is added when missing)
  pathTemplate: string; // '{model}/resolve/{revision}/' (the Hub); a folder of repos: '{model}/'
  /** 'api': the Hub's file listing (/api/models/{model}/tree/{revision}, with sizes and sha256);
   * 'probe': a mirror or folder without one: the files transformers.js would ask for are tried one by one. */
  listing: 'api' | 'probe';
}

export const HUGGING_FACE: HubAddress = { host: 'https://huggingface.co/', pathTemplate: '{model}/resolve/{revision}/', listing: 'api' };

export interface RepoRef {
  repo: string; // "org/name"
  revision: string; // branch, tag or commit ("main" when not given)
}

const REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
const withSlash = (s: string) => (s.endsWith('/') ? s : `${s}/`);

/**
 * A repo from what a person typed: "org/name", "org/name@revision", or a Hub URL (…/org/name, …/org/name/tree/rev,
 * …/org/name/resolve/rev/file, …/org/name/blob/rev/file). A URL's origin becomes the host when it is not the
 * address's own (the page then asks the same host).
 */
export function parseRepoRef(input: string): (RepoRef & { host?: string }) | Refusal {
  const s = input.trim();
  if (!s) return refusal('not-found', 'Type a Hub repo id (e.g. onnx-community/SmolLM2-135M-Instruct) or a Hub URL.');
  if (/^https?:\/\//i.test(s)) {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      return refusal('not-found', `"${s}" is not a URL the page can read.`);
    }
    const parts = url.pathname.split('/').filter(Boolean);
    const at = parts[0] === 'models' ? 1 : 0; // huggingface.co/models/org/name is not a repo URL, but be lenient
    if (parts.length < at + 2) return refusal('not-found', `${s} does not name a repo (…/org/name).`);
    const repo = `${parts[at]}/${parts[at + 1]}`;
    const kind = parts[at + 2];
    const revision = (kind === 'tree' || kind === 'resolve' || kind === 'blob') && parts[at + 3] ? decodeURIComponent(parts[at + 3]) : 'main';
    return { repo, revision, host: `${url.origin}/` };
  }
  const [repo, revision = 'main'] = s.split('@');
  if (!REPO.test(repo)) return refusal('not-found', `"${s}" is not a Hub repo id: it reads org/name (letters, digits, - _ .), optionally @revision.`);
  return { repo, revision: revision || 'main' };
}

/** The URL of a file of a repo at a revision (the revision URL-encoded, as the Hub wants "refs/pr/1"). */
export function fileUrl(a: HubAddress, ref: RepoRef, path: string): string {
  const dir = a.pathTemplate.replaceAll('{model}', ref.repo).replaceAll('{revision}', encodeURIComponent(ref.revision));
  return `${withSlash(a.host)}${withSlash(dir)}${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** The Hub's recursive file listing of a revision (paginated with a Link header). */
export function listingUrl(a: HubAddress, ref: RepoRef): string {
  return `${withSlash(a.host)}api/models/${ref.repo}/tree/${encodeURIComponent(ref.revision)}?recursive=true`;
}

/** Where a repo's files show on the Hub itself, for the page's links (only for the Hub's own host). */
export const repoPage = (a: HubAddress, ref: RepoRef) =>
  a.host === HUGGING_FACE.host ? `${HUGGING_FACE.host}${ref.repo}${ref.revision === 'main' ? '' : `/tree/${encodeURIComponent(ref.revision)}`}` : undefined;

/** The Hub's listing entries (GET /api/models/{repo}/tree/{revision}?recursive=true). */
export interface TreeEntry {
  type: 'file' | 'directory';
  path: string;
  size?: number;
  oid?: string; // git blob id
  lfs?: { oid: string; size: number; pointerSize?: number }; // oid: the content's sha256
}

/** The next page of a listing, from its Link header (`<url>; rel="next"`). */
export function nextPage(link: string | null): string | undefined {
  return link?.split(',').map((p) => /<([^>]+)>\s*;\s*rel="?next"?/.exec(p)?.[1]).find(Boolean);
}
