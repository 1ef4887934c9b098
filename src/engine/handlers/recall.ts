// Recall probes in the loaded model's worker: each probe read teacher-forced (recallProbe.ts) by one forward or by
// cached decoding, its answer bytes' guesses streamed back probe by probe; a stop ends the loop between probes.
// Client side: recall.ts.
import { readMemory, resetPeak } from '../memory';
import { answerRows, guesses } from '../recallProbe';
import { held, loaded, pause, stops, type Handlers } from './context';
import { stepSession } from './generate';

export const recall: Handlers<'recall'> = {
  async recall(req, out) {
    const { manifest: m, run } = loaded();
    const step = req.plan.mode === 'decode' ? stepSession() : undefined;
    const runs = { forward: run, step: step && ((feeds: Parameters<typeof run>[0]) => step.run(feeds)) };
    resetPeak();
    try {
      for (const [index, p] of req.probes.entries()) {
        await pause();
        if (stops.has(req.id)) return { type: 'recalled', stopped: true, memory: readMemory(held.backend === 'webgpu') };
        const t0 = performance.now();
        const rows = await answerRows(m, runs, p.bytes, p.answers, req.plan);
        const ms = performance.now() - t0;
        out.progress({ type: 'recalling', index, ...guesses(rows, req.k), ms });
      }
      return { type: 'recalled', stopped: false, memory: readMemory(held.backend === 'webgpu') };
    } finally {
      stops.delete(req.id);
    }
  },
};
