// "Where the model reads": the model's analysis graph (attention.onnx, its weights read from the forward graph's
// bytes) run in the model's worker, in a session of its own, so the timed forward graph never carries it.
import { classify } from './failures';
import { fetchGraphBytes } from './models';
import type { ModelWorker } from './modelWorker';
import { modelWindow } from '../catalog/facts';
import { EngineError, type AttentionMap, type Engine, type LoadedModel } from './types';

export function attentionView(
  loadedWorker: (id: string) => Promise<{ worker: ModelWorker; info: LoadedModel }>,
  fatal: Set<string>,
): Pick<Engine, 'attention'> {
  return {
    async attention(id, input, contextLength, numLatents, query): Promise<AttentionMap> {
      if (input.length === 0) throw new EngineError('bad-input', 'The input is empty: paste text, drop a file or pick a preset.');
      const { worker, info } = await loadedWorker(id);
      const graph = info.manifest.attentionGraph;
      if (!graph) throw new EngineError('bad-input', `${id} has no attention view (its manifest lists no analysis graph)`);
      const { n, window, start, M } = modelWindow(info.manifest, input, contextLength, numLatents);
      // the query must be a position the graph computes: any for a decoder, one of the M latents for Perceiver AR
      const q = Math.max(M ? n - M : 0, Math.min(n - 1, Math.round(query ?? n - 1)));
      try {
        const bytes = (await fetchGraphBytes(info.manifest, graph)).slice().buffer;
        const r = await worker.call(
          { type: 'attention', graph: bytes, sha256: graph.sha256, window: window.slice(), numLatents: M, query: q },
          [bytes],
        );
        return { modelId: id, windowStart: start, query: q, weights: r.weights, layer: graph.layer };
      } catch (e) {
        const f = classify(e);
        if (fatal.has(f.kind)) worker.kill(f);
        throw new EngineError(f.kind, `${id}: attention at ${n.toLocaleString()} bytes on ${info.backend}: ${f.message}`);
      }
    },
  };
}
