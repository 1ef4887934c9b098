// What a manifest's attention descriptor means, in words for the model details and the charts' legend.
import type { Attention } from '../catalog/manifest';
import { count } from './format';

export function describeAttention(a: Attention): string {
  switch (a.kind) {
    case 'full':
      return 'full causal attention (N × N scores per head)';
    case 'blockwise':
      return `exact causal attention in chunks of ${count(a.queryChunk)} queries × ${count(a.keyChunk)} keys with an online softmax (memory linear in N, time quadratic)`;
    case 'window':
      return `sliding window of ${count(a.window)} positions (N × ${count(2 * a.window)} scores per head)`;
    case 'sparse-fixed':
      return `fixed sparse pattern: own block of ${count(a.block)} + the last ${a.summaries} positions of every earlier block (N × (${count(a.block)} + N × ${a.summaries}/${count(a.block)}) scores per head)`;
    case 'linear':
      return `linear attention, ${a.featureMap} features, in chunks of ${count(a.chunk)} with a carried state (memory and time linear in N)`;
    case 'latents':
      return `${count(a.latents)} latents cross-attend to all N inputs, then self-attend`;
    case 'segments':
      return `segments of ${count(a.segment)} over a memory of ${count(a.memory)} rows${a.compressedMemory ? ` and a compressed memory of ${count(a.compressedMemory)} rows (rate ${a.compressionRate})` : ''}`;
  }
}
