// A Hub decoder as the engine and the page know a model: a manifest (src/catalog/manifest.ts) made from what its
// config.json and graph say, with `hub` for how it is fed and where it came from. Context counts tokens.
import type { Manifest } from '../catalog/manifest';
import { HUGGING_FACE } from './hubUrl';
import type { HubDecoder } from './repo';

export const HUB_PREFIX = 'hub-';
/** The context a Hub model is offered up to when its config names none. */
const DEFAULT_MAX_CONTEXT = 2048;

const num = (c: Record<string, unknown>, ...keys: string[]) => {
  for (const k of keys) if (typeof c[k] === 'number' && (c[k] as number) > 0) return c[k] as number;
  return undefined;
};

/** A model id (lowercase, [a-z0-9-]) for a repo, revision, precision and host: readable, and unique by its hash. */
export async function hubModelId(repo: string, revision: string, dtype: string, host?: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${host ?? ''}|${repo}|${revision}|${dtype}`));
  const hash = Array.from(new Uint8Array(digest).subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
  const slugOf = (x: string, n: number) => x.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, n);
  // the repo, a revision other than main and the precision stay readable in every result that carries the id
  const rev = revision === 'main' || revision === 'local' ? '' : `${slugOf(revision, 16)}-`;
  return `${HUB_PREFIX}${slugOf(repo, 48)}-${rev}${slugOf(dtype, 8)}-${hash}`;
}

export async function hubManifest(d: HubDecoder, graphSha256: string, host?: string): Promise<Manifest> {
  const c = d.config;
  const type = String(c.model_type ?? 'decoder');
  const dModel = num(c, 'hidden_size', 'n_embd', 'd_model') ?? 1;
  const nHeads = num(c, 'num_attention_heads', 'n_head') ?? 1;
  const act = String(c.hidden_act ?? c.activation_function ?? '');
  const maxContext = d.maxPositions ?? num(c, 'n_positions', 'n_ctx') ?? DEFAULT_MAX_CONTEXT;
  const tensor = (t: { name: string; dtype: string; dims: (number | string)[] }) => ({ name: t.name, dtype: t.dtype as 'int64', dims: t.dims });
  const fromHub = d.origin === 'hub' && (!host || host === HUGGING_FACE.host);
  return {
    schemaVersion: 1,
    id: await hubModelId(d.ref.repo, d.ref.revision, d.dtype, host === HUGGING_FACE.host ? undefined : host),
    family: 'hub',
    familyName: `${type} (Hub)`,
    size: 'hub',
    displayName: `${d.ref.repo} ${d.dtype}${d.ref.revision !== 'main' && d.ref.revision !== 'local' ? ` @${d.ref.revision}` : ''}`,
    paper: { title: d.ref.repo, authors: '', year: 0, url: fromHub ? `${HUGGING_FACE.host}${d.ref.repo}` : '' },
    simplifications: [],
    config: {
      vocabSize: d.layout.vocabSize ?? num(c, 'vocab_size') ?? d.tokenizer.vocabSize,
      dModel,
      nHeads,
      nLayers: num(c, 'num_hidden_layers', 'n_layer', 'num_layers') ?? Math.max(1, d.layout.layers.length),
      dFf: num(c, 'intermediate_size', 'n_inner', 'ffn_dim') ?? 4 * dModel,
      activation: /silu|swish/.test(act) ? 'swiglu' : /relu/.test(act) ? 'relu' : 'gelu',
      norm: 'rms_norm_eps' in c ? 'rmsnorm' : 'layernorm',
      positions: 'rope_theta' in c ? 'rotary' : 'unknown',
      maxContext,
      trainedContext: maxContext,
      attention: { kind: 'full' },
    },
    parameters: Math.max(1, d.info.weightElements),
    io: 'full',
    graph: {
      file: d.variant.file.path,
      bytes: d.graph.length,
      sha256: graphSha256,
      opset: d.info.opsets[''] ?? 0,
      inputs: d.info.inputs.map(tensor),
      outputs: d.info.outputs.map(tensor),
      webgpuUnsupportedOps: [],
    },
    hub: {
      repo: d.ref.repo,
      revision: d.ref.revision,
      dtype: d.dtype,
      origin: d.origin,
      host: host && host !== HUGGING_FACE.host ? host : undefined,
      layout: d.layout,
      externalData: d.externalData.map((x) => x.path),
      weightsBytes: d.bytes,
      largestWeightBytes: d.info.largestWeightBytes,
      fusedAttention: d.info.ops.some((op) => /^com\.microsoft:(GroupQuery|MultiHead)?Attention$/.test(op)),
    },
    reference: '',
    training: null,
    evaluation: null,
  };
}

export const isHubModel = (m: Pick<Manifest, 'hub'>) => !!m.hub;
/** Cached decoding through the graph's own cache (no step graph): every Hub graph with past inputs. */
export const hubCached = (m: Pick<Manifest, 'hub'>) => !!m.hub && m.hub.layout.kind !== 'no-cache';
