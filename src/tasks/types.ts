// The recall tasks' shared shapes (PLAN.md shape 1): a probe is the bytes a model reads, with the answer spans it must
// predict (each byte from the bytes before it, teacher forcing) and where the pairs or the needle were planted.

export type TaskName = 'mqar' | 'needle' | 'mirrored-copy';

export interface Span {
  start: number;
  length: number;
}

export interface Probe {
  task: TaskName;
  params: Record<string, number>;
  seed: number;
  bytes: Uint8Array;
  answers: Span[];
  planted?: (Span & { text: string })[];
}

/** Every answer lies within the last TAIL bytes of a probe, so Perceiver AR's latents (M >= 64) cover it. */
export const TAIL = 64;
