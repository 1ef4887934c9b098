import { describe, expect, it } from 'vitest';
import { decode, encode, looksBinary, showByte } from '../../src/engine/tokenizer';
import { firstWindow, lastWindow } from '../../src/catalog/facts';

describe('byte tokenizer', () => {
  it('round-trips UTF-8 and counts bytes, not characters', () => {
    const s = 'naïve — 東京';
    expect(decode(encode(s))).toBe(s);
    expect(encode(s).length).toBeGreaterThan(s.length);
  });
  it('takes the last N bytes', () => {
    const { window, start } = lastWindow(encode('abcdef'), 4);
    expect(decode(window)).toBe('cdef');
    expect(start).toBe(2);
    expect(lastWindow(encode('ab'), 10).start).toBe(0);
  });
  it('takes the first N bytes for models whose positions start at the first byte', () => {
    const { window, start } = firstWindow(encode('abcdef'), 4);
    expect(decode(window)).toBe('abcd');
    expect(start).toBe(0);
    expect(decode(firstWindow(encode('ab'), 10).window)).toBe('ab');
  });
  it('detects binary files', () => {
    expect(looksBinary(encode('plain text\nwith lines'))).toBe(false);
    expect(looksBinary(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]))).toBe(true);
    expect(looksBinary(Uint8Array.from({ length: 4000 }, (_, i) => 0x80 + (i % 60)))).toBe(true);
  });
  it('shows bytes printably', () => {
    expect(showByte(65)).toBe('A');
    expect(showByte(10)).toBe('\\n');
    expect(showByte(200)).toBe('0xc8');
  });
});
