// "Where the model reads": the analysis graph (attention.onnx) in a session of its own, its weights read from the
// forward graph's bytes, so the timed session never carries it. Client side: attentionView.ts.
import { latentsAt } from '../../catalog/facts';
import { int64, scalar } from '../graphRunner';
import { createSession } from '../ort';
import { EngineError } from '../types';
import { held, loaded, type Handlers } from './context';

export const attention: Handlers<'attention'> = {
  async attention(req, out) {
    const { manifest: m } = loaded();
    if (!m.attentionGraph || !held.weights) throw new EngineError('invalid-model', `${m.id} has no attention graph`);
    if (held.analysis?.sha256 !== req.sha256) {
      await held.analysis?.session.release();
      const externalData = [{ path: m.attentionGraph.weights, data: held.weights }];
      held.analysis = { sha256: req.sha256, session: await createSession(new Uint8Array(req.graph), held.backend, { ...held.sessionOpts!, externalData }) };
    }
    const feeds = { tokens: int64(req.window), query: { ...scalar(req.query), dims: [1] } };
    const M = latentsAt(m, req.window.length, req.numLatents);
    if (M !== undefined) Object.assign(feeds, { num_latents: scalar(M) });
    const weights = (await held.analysis.session.run(feeds)).attention.data;
    out.transfer.push(weights.buffer);
    return { type: 'attended', weights };
  },
};
