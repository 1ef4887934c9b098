// Byte-level "tokenizer": the models read UTF-8 bytes (vocabulary 256), so text <-> bytes is all there is.
import type { Manifest } from '../catalog/manifest';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export const encode = (text: string): Uint8Array => encoder.encode(text);
export const decode = (bytes: Uint8Array): string => decoder.decode(bytes);

/** The last n bytes (the window a model sees) and where it starts in the input. */
export function lastWindow(bytes: Uint8Array, n: number): { window: Uint8Array; start: number } {
  const start = Math.max(0, bytes.length - n);
  return { window: bytes.subarray(start), start };
}

/** The first n bytes: for models whose positions count from the sequence's first byte (manifest window "prefix"). */
export function firstWindow(bytes: Uint8Array, n: number): { window: Uint8Array; start: number } {
  return { window: bytes.subarray(0, n), start: 0 };
}

/** What a model reads of an input at context N: its window (the last N bytes, or the first N for "prefix" models),
 * N clipped to its limit and the input (and why), and Perceiver AR's latents M. */
export function modelWindow(m: Manifest, input: Uint8Array, contextLength: number, numLatents?: number) {
  const limit = m.config.maxContext;
  const n = Math.min(contextLength, limit, input.length);
  const clippedReason =
    contextLength > limit
      ? `this model's limit is ${limit.toLocaleString()} bytes`
      : contextLength > input.length
        ? `the input has only ${input.length.toLocaleString()} bytes`
        : undefined;
  const { window, start } = m.config.window === 'prefix' ? firstWindow(input, n) : lastWindow(input, n);
  const M = m.io === 'latents' ? Math.min(numLatents ?? m.config.latents ?? n, n) : undefined;
  return { n, clippedReason, window, start, M };
}

/** Heuristic for "this file is not text": NUL bytes or many invalid UTF-8 sequences in the first 64 KiB. */
export function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 65536);
  if (head.includes(0)) return true;
  const text = decoder.decode(head);
  let bad = 0;
  for (const ch of text) if (ch === '\uFFFD') bad++;
  return bad > Math.max(8, head.length * 0.01);
}

/** A printable rendering of one byte, for hover cards: letters as themselves, others as escapes. */
export function showByte(b: number): string {
  if (b === 10) return '\\n';
  if (b === 9) return '\\t';
  if (b === 32) return '␣';
  if (b >= 33 && b < 127) return String.fromCharCode(b);
  return `0x${b.toString(16).padStart(2, '0')}`;
}
