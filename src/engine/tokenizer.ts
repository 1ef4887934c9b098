// Byte-level "tokenizer": the models read UTF-8 bytes (vocabulary 256), so text <-> bytes is all there is.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export const encode = (text: string): Uint8Array => encoder.encode(text);
export const decode = (bytes: Uint8Array): string => decoder.decode(bytes);

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
