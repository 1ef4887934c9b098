// People's own models kept in this browser (Cache API), so they are there again on the next visit: the graph's bytes
// and what the page knows of it (what it read and was told, or the manifest that came with it). Nothing leaves the
// device; removing a model deletes both.
import { z } from 'zod';
import { ManifestSchema, type Manifest } from '../catalog/manifest';
import { recognise, userManifest, type GraphIO, type UserAnswers } from './userModel';

const CACHE = 'lcp-user-models-v1';
const url = (id: string, file: string) => new URL(`user-models/${id}/${file}`, location.href).href;
const open = () => ('caches' in self ? caches.open(CACHE) : Promise.resolve(undefined));

/** How a kept model's manifest is made again: from its own manifest, or from its graph and the answers. */
export type UserModelRecord = { manifest: Manifest } | { fileName: string; sha256: string; bytes: number; io: GraphIO; answers: UserAnswers };

const Tensor = z.object({ name: z.string(), dtype: z.string().optional(), dims: z.array(z.union([z.number(), z.string()])).optional() });
const RecordSchema = z.union([
  z.object({ manifest: ManifestSchema }),
  z.object({
    fileName: z.string(), sha256: z.string(), bytes: z.number(),
    io: z.object({ inputs: z.array(Tensor), outputs: z.array(Tensor) }),
    answers: z.object({ name: z.string(), vocabSize: z.number().int().positive(), byteLevel: z.boolean(), maxContext: z.number().int().positive(), latents: z.number().int().positive().optional() }),
  }),
]);

export function manifestOfRecord(r: UserModelRecord): Manifest | undefined {
  if ('manifest' in r) return r.manifest;
  const layout = recognise(r.io);
  return 'problem' in layout ? undefined : userManifest(r.fileName, r.bytes, r.sha256, r.io, layout, r.answers);
}

export async function saveUserModel(id: string, record: UserModelRecord, model: Uint8Array): Promise<void> {
  const cache = await open();
  await cache?.put(url(id, 'model.onnx'), new Response(model as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } }));
  await cache?.put(url(id, 'record.json'), new Response(JSON.stringify(record), { headers: { 'content-type': 'application/json' } }));
}

/** Every kept model whose record still reads and whose bytes are there; anything else is deleted. */
export async function loadUserModels(): Promise<{ manifest: Manifest; model: Uint8Array }[]> {
  const cache = await open();
  if (!cache) return [];
  const out = [];
  for (const req of await cache.keys()) {
    const id = /user-models\/([^/]+)\/record\.json$/.exec(req.url)?.[1];
    if (!id) continue;
    const parsed = RecordSchema.safeParse(await (await cache.match(req))?.json().catch(() => null));
    const manifest = parsed.success ? manifestOfRecord(parsed.data as UserModelRecord) : undefined;
    const model = await cache.match(url(id, 'model.onnx'));
    if (manifest?.id === id && model) out.push({ manifest, model: new Uint8Array(await model.arrayBuffer()) });
    else await deleteUserModel(id);
  }
  return out;
}

export async function deleteUserModel(id: string): Promise<void> {
  const cache = await open();
  await cache?.delete(url(id, 'model.onnx'));
  await cache?.delete(url(id, 'record.json'));
}
