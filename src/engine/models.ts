// Finding and fetching the bundled models: index, manifests (validated), bytes with download progress,
// Cache API storage, sha256 check.
import { ManifestSchema, ModelIndexSchema, TrainingLogSchema, type Manifest, type TrainingLogEntry } from '../catalog/manifest';
import { EngineError, type LoadProgress } from './types';

const CACHE = 'lcp-models-v1';
const base = () => new URL('models/', new URL(import.meta.env?.BASE_URL ?? '/', location.href)).href;

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { cache: 'no-cache' });
  if (!res.ok) throw new EngineError('invalid-model', `${url}: HTTP ${res.status}`);
  try {
    return await res.json();
  } catch {
    throw new EngineError('invalid-model', `${url} is not valid JSON`);
  }
}

export async function fetchManifest(id: string): Promise<Manifest> {
  const parsed = ManifestSchema.safeParse(await getJson(`${base()}${id}/manifest.json`));
  if (!parsed.success)
    throw new EngineError('invalid-model', `Manifest of ${id} is malformed: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export async function fetchManifests(): Promise<Manifest[]> {
  const index = ModelIndexSchema.parse(await getJson(`${base()}index.json`));
  return Promise.all(index.models.map(fetchManifest));
}

/** The loss curve saved next to a trained model (manifest training.log); [] when the model has none. */
export async function fetchTrainingLog(m: Manifest): Promise<TrainingLogEntry[]> {
  if (!m.training?.log) return [];
  const parsed = TrainingLogSchema.safeParse(await getJson(`${base()}${m.id}/${m.training.log}`));
  if (!parsed.success) throw new EngineError('invalid-model', `Training log of ${m.id} is malformed`);
  return parsed.data;
}

const fileUrl = (m: Manifest, file: string) => `${base()}${m.id}/${file}`;

/** A graph file as the manifest describes it (the forward graph, `graph`, or the step graph, `step`). */
export type GraphFile = Pick<Manifest['graph'], 'file' | 'bytes' | 'sha256'>;

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A graph's bytes from the cache or the network (with progress), checked against the manifest's sha256. */
export async function fetchGraphBytes(m: Manifest, g: GraphFile, onProgress?: (p: LoadProgress) => void): Promise<Uint8Array> {
  const url = fileUrl(m, g.file);
  const cache = 'caches' in self ? await caches.open(CACHE) : undefined;
  let res = await cache?.match(url);
  const fromCache = Boolean(res);
  if (!res) {
    res = await fetch(url);
    if (!res.ok || !res.body) throw new EngineError('invalid-model', `Could not download ${url}: HTTP ${res.status}`);
  }
  const total = Number(res.headers.get('content-length')) || g.bytes;
  const reader = res.body!.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.({ modelId: m.id, loadedBytes: loaded, totalBytes: total, fromCache });
  }
  const bytes = new Uint8Array(loaded);
  let o = 0;
  for (const c of chunks) (bytes.set(c, o), (o += c.length));
  const hash = await sha256Hex(bytes);
  if (hash !== g.sha256) {
    await cache?.delete(url);
    throw new EngineError(
      'invalid-model',
      `${m.id}: the model file ${g.file} is corrupted or not the one its manifest describes (sha256 ${hash.slice(0, 12)}… does not match ${g.sha256.slice(0, 12)}…, ${loaded} bytes).`,
    );
  }
  if (!fromCache) await cache?.put(url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
  return bytes;
}

export const fetchModelBytes = (m: Manifest, onProgress?: (p: LoadProgress) => void) => fetchGraphBytes(m, m.graph, onProgress);

export async function listCached(): Promise<{ url: string; bytes: number }[]> {
  if (!('caches' in self)) return [];
  const cache = await caches.open(CACHE);
  const out = [];
  for (const req of await cache.keys()) {
    const res = await cache.match(req);
    out.push({ url: req.url, bytes: res ? (await res.arrayBuffer()).byteLength : 0 });
  }
  return out;
}

export async function deleteCached(id: string): Promise<void> {
  if (!('caches' in self)) return;
  const cache = await caches.open(CACHE);
  for (const req of await cache.keys()) if (req.url.includes(`/models/${id}/`)) await cache.delete(req);
}

export async function clearCache(): Promise<void> {
  if ('caches' in self) await caches.delete(CACHE);
}
