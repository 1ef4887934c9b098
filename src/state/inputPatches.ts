// The input as store changes, computed without touching the store: the input slice sets them, and so does a link
// (shared.ts), which must not import the store (see store.ts).
import { encode } from '../engine';
import type { InputSlice } from './input';
import { presetText, type Preset } from './presets';

/** The store fields a link's `input` holds. */
export interface InputFields {
  text: string;
  bytes: Uint8Array;
  preset?: Preset;
}
type InputPatch = Partial<InputFields & InputSlice>;

export const EMPTY_INPUT = 'The input is empty: paste text, drop a file or pick a preset.';

export const textInput = (text: string, preset?: Preset): InputPatch => ({ text, bytes: encode(text), preset, inputError: text.length ? undefined : EMPTY_INPUT });

export async function presetInput(p: Preset): Promise<InputPatch> {
  try {
    return textInput(await presetText(p), p);
  } catch (e) {
    return { inputError: `Could not load the preset: ${(e as Error).message}` };
  }
}

/** The held-out sample, unless the user already typed or dropped something while it was on its way. */
export async function defaultInput(): Promise<(s: InputSlice) => InputPatch> {
  const text = await presetText({ kind: 'heldout' }).catch(() => '');
  return (s) => (!s.inputTouched && text ? textInput(text, { kind: 'heldout' }) : {});
}
