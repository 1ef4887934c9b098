// The input the models read: typed or pasted text, a preset, a dropped or picked file. Bytes are kept next to the
// text; a file that is not text, or too big, leaves the input as it was. The text, its bytes and its preset are link
// fields (link/fields.ts `input`), which applies a link's input with the patches below.
import { encode, looksBinary } from '../engine';
import { presetText, type Preset } from './presets';
import type { SliceCreator } from './types';

/** The store fields a link's `input` holds. */
export interface InputFields {
  text: string;
  bytes: Uint8Array;
  preset?: Preset;
}

export interface InputSlice {
  inputError?: string;
  inputTouched: boolean; // the user typed or dropped something: a late default preset must not replace it
  loadDefaultInput(): Promise<void>;
  setText(text: string, preset?: Preset): void;
  choosePreset(p: Preset): Promise<void>;
  touchInput(): void;
  /** A dropped or picked file: text only; anything else leaves the current input as it was. */
  loadFile(file: Blob & { name: string }): Promise<void>;
}

declare module './types' {
  interface PageState extends InputSlice {}
}

type InputPatch = Partial<InputFields & Pick<InputSlice, 'inputError'>>;

export const MAX_FILE_BYTES = 8 * 2 ** 20; // a bigger file would make the textarea crawl; no model reads past 64 KiB
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
export async function defaultInput(): Promise<(s: Pick<InputSlice, 'inputTouched'>) => InputPatch> {
  const text = await presetText({ kind: 'heldout' }).catch(() => '');
  return (s) => (!s.inputTouched && text ? textInput(text, { kind: 'heldout' }) : {});
}

export const createInputSlice: SliceCreator<InputSlice> = (set, get) => ({
  inputTouched: false,

  loadDefaultInput: async () => set(await defaultInput()),
  setText: (text, preset) => set(textInput(text, preset)),
  choosePreset: async (p) => set(await presetInput(p)),
  touchInput: () => set({ inputTouched: true }),

  async loadFile(file) {
    set({ inputTouched: true });
    if (file.size > MAX_FILE_BYTES)
      return set({ inputError: `${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MiB; the playground reads files up to ${MAX_FILE_BYTES / 2 ** 20} MiB (no model reads more than its last 64 KiB). The input was left as it was.` });
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (bytes.length === 0) return set({ inputError: `${file.name} is empty. The input was left as it was.` });
    if (looksBinary(bytes))
      return set({ inputError: `${file.name} looks like a binary file (NUL bytes or invalid UTF-8), not text. The input was left as it was.` });
    get().setText(new TextDecoder().decode(bytes));
  },
});
