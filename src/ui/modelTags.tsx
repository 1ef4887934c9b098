// How the page names a model's kind of weights, the same everywhere it appears (picker, panels, charts, tables).
import type { Manifest } from '../catalog/manifest';

/** Random weights: its timings and memory are real, its predictions mean nothing. */
export const isUntrained = (m?: Pick<Manifest, 'training' | 'userModel' | 'hub'>) => !!m && !m.userModel && !m.hub && !m.training;

export const UNTRAINED_TITLE = 'Random weights (never trained): its latency and memory are real, its predictions and bits per byte mean nothing';

export function UntrainedTag({ m }: { m?: Pick<Manifest, 'training' | 'userModel' | 'hub'> }) {
  if (!isUntrained(m)) return null;
  return (
    <span className="tag untrained" title={UNTRAINED_TITLE} data-testid="untrained-tag">
      untrained
    </span>
  );
}

/** A model's size in words for its choice inside the family. */
export const SIZE_LABEL: Record<Manifest['size'], string> = {
  compare: 'compare',
  '512-crop': '512-crop',
  copy: 'copy task',
  recall: 'recall',
  tiny: 'tiny',
  hub: 'from the Hub',
};

export const SIZE_TITLE: Record<Manifest['size'], string> = {
  compare: 'Trained on Brown text with the same width, depth, data and step budget as the other families: the like-for-like comparison',
  '512-crop': "Perceiver AR trained on the decoders' 512-byte crops: a control for the training length",
  copy: "Trained only on the paper's mirrored copy task (65,536 bytes); it reads the FIRST N bytes",
  recall: 'Trained on the recall tasks (MQAR, needle, mirrored copy)',
  tiny: 'A tiny graph with random weights: for latency and memory only',
  hub: 'A decoder from the Hugging Face Hub, run over its own tokens',
};
