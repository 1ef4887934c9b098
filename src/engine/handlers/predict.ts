// Predictions: one forward over a window, scored (surprisal of every covered byte, the next byte's distribution).
// Client side: client.ts predict().
import { runWindow } from '../graphRunner';
import { score } from '../surprisal';
import { loaded, type Handlers } from './context';

export const predict: Handlers<'predict'> = {
  async predict(req, out) {
    const { manifest: m, run } = loaded();
    const t0 = performance.now();
    const { logits, rows, start } = await runWindow(run, m, req.window, req.numLatents);
    const latencyMs = performance.now() - t0;
    const scored = score(logits, rows, m.config.vocabSize, req.window, start);
    out.transfer.push(scored.surprisalBits.buffer);
    return { type: 'predicted', coveredStart: start, surprisalBits: scored.surprisalBits, top: scored.top, nextTop: scored.nextTop, latencyMs };
  },
};
