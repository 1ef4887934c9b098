// Predictions: one forward over a window, scored (surprisal of every covered byte, the next byte's distribution).
// Client side: client.ts predict().
import { runWindow } from '../graphRunner';
import { score } from '../surprisal';
import { scoreTokens } from '../../hub/hubRun';
import { loaded, type Handlers } from './context';

export const predict: Handlers<'predict'> = {
  async predict(req, out) {
    const { manifest: m, run } = loaded();
    const t0 = performance.now();
    const { logits, rows, start } = await runWindow(run, m, req.window, req.numLatents);
    const latencyMs = performance.now() - t0;
    // a Hub decoder's vocabulary (150k entries) is not sorted per row: its top tokens are selected
    const scored = m.hub ? tokenScores(logits, rows, m.config.vocabSize, req.window) : score(logits, rows, m.config.vocabSize, req.window, start);
    out.transfer.push(scored.surprisalBits.buffer);
    return { type: 'predicted', coveredStart: start, surprisalBits: scored.surprisalBits, top: scored.top, nextTop: scored.nextTop, latencyMs };
  },
};

function tokenScores(logits: Float32Array, rows: number, V: number, tokens: ArrayLike<number>) {
  const s = scoreTokens(logits, rows, V, tokens);
  const asTop = (ts: { id: number; p: number }[]) => ts.map((t) => ({ byte: t.id, p: t.p }));
  return { surprisalBits: s.surprisalBits, top: s.top.map(asTop), nextTop: asTop(s.nextTop) };
}
