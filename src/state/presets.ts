// Inputs a user can pick instead of pasting: held-out Brown text, a copy-task sample, a needle in a long text.
// Generated from a seed so a share link reproduces them exactly.
import { z } from 'zod';
// a seeded PRNG (mulberry32, the one the recall tasks and sampling use): reproducibility matters here, not quality
import { seededRandom as rng } from '../tasks/rng';
import { makeProbe, type Probe } from '../tasks';
import { mirroredBytes } from '../tasks/mirroredCopy';

export { rng };

/** A preset as a link carries it (link/fields.ts `input`). */
export const PresetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('heldout') }),
  z.object({ kind: z.literal('copy'), distance: z.number().int().min(1).max(65536), seed: z.number().int() }),
  // length and depth: the recall task's needle (src/tasks/needle.ts); absent: NEEDLE_DEFAULTS
  z.object({ kind: z.literal('needle'), seed: z.number().int(), length: z.number().int().min(64).max(65536).optional(), depth: z.number().min(0).max(1).optional() }),
  z.object({ kind: z.literal('mirror'), seed: z.number().int() }),
]);
export type Preset = z.infer<typeof PresetSchema>;

/** Length of the paper's mirrored copy sequence the copy-task Perceiver AR was trained on (its maxContext). */
export const MIRROR_LENGTH = 65536;

const PRINTABLE = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i)).join('');

/** Printable random string s of length `distance`, then s again: the paper's copy task, as text (printable
 * ASCII instead of all 256 byte values, so it can be pasted and shared). */
export function copyText(distance: number, seed: number): string {
  const r = rng(seed);
  let s = '';
  for (let i = 0; i < distance; i++) s += PRINTABLE[Math.floor(r() * PRINTABLE.length)];
  return s + s;
}

/** The paper's copy task (official random_mirrored_<N>): N/2 random printable characters, then the same reversed.
 * The byte at position p >= N/2 repeats the one at N-1-p, 2p-N+1 bytes back. models:eval scores the same strings
 * (the recall tasks' generator, src/tasks/mirroredCopy.ts). */
export function mirrorText(seed: number, length = MIRROR_LENGTH): string {
  return new TextDecoder().decode(mirroredBytes(seed, length));
}

/** The needle preset's probe when the link or the button names no length or depth. */
export const NEEDLE_DEFAULTS = { length: 4096, depth: 0.25 };

/**
 * The needle preset: the recall task's probe (src/tasks/needle.ts, the one the evaluation scores) over the held-out
 * text: " AB12 " planted at `depth` of a `length`-byte stretch, the key asked again at the very end, its value the
 * last two bytes (the answer a model must predict from what it read).
 */
export async function needleProbe(p: Extract<Preset, { kind: 'needle' }>): Promise<Probe> {
  const filler = new TextEncoder().encode(await heldoutText());
  return makeProbe('needle', { length: p.length ?? NEEDLE_DEFAULTS.length, depth: p.depth ?? NEEDLE_DEFAULTS.depth }, p.seed, filler);
}

let heldout: Promise<string> | undefined;
export function heldoutText(): Promise<string> {
  heldout ??= fetch(new URL('data/heldout.txt', new URL(import.meta.env.BASE_URL, location.href))).then((r) => {
    if (!r.ok) throw new Error(`held-out text: HTTP ${r.status}`);
    return r.text();
  });
  heldout.catch(() => (heldout = undefined));
  return heldout;
}

export async function presetText(p: Preset): Promise<string> {
  if (p.kind === 'copy') return copyText(p.distance, p.seed);
  if (p.kind === 'mirror') return mirrorText(p.seed);
  if (p.kind === 'needle') return new TextDecoder().decode((await needleProbe(p)).bytes);
  return (await heldoutText()).slice(0, 200_000);
}
