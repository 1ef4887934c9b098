// Runs a model's forward graph over a window of bytes, as its attention kind drives it (src/catalog/kinds: every
// position, the last M latents, or segment by segment). Pure: it takes a run function, so the browser worker
// (onnxruntime-web) and the Node scripts/tests (onnxruntime-node) share it.
import type { Manifest } from '../catalog/manifest';
import { kindOfModel } from '../catalog/facts';
import type { RunFn, WindowLogits } from '../catalog/kinds/types';

export { int64, scalar } from '../catalog/kinds/feeds';
export type { Feed, RunFn } from '../catalog/kinds/types';

/**
 * Logits for the positions the model covers: rows x V, row r sits at window offset start + r (and predicts the
 * byte after it).
 */
export function runWindow(
  run: RunFn,
  manifest: Manifest,
  window: ArrayLike<number>,
  numLatents?: number,
  memoryLength?: number, // Transformer-XL: a longer memory than trained (the evaluation, as the XL paper does)
): Promise<WindowLogits> {
  return kindOfModel(manifest).forward(manifest.config.attention, { run, dims: manifest.config, window, numLatents, memoryLength });
}
