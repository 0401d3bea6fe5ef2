// Pins fnv1_32 to the published FNV-1 (not FNV-1a) 32-bit test vectors.
import { describe, expect, it } from 'vitest';
import { fnv1_32 } from './fnv.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('fnv1_32', () => {
  it.each([
    ['the empty input hashes to the offset basis', '', 0x811c9dc5],
    ['"a" hashes to the FNV-1 value, not the FNV-1a value 0xe40c292c', 'a', 0x050c5d7e],
    ['"foobar" hashes to the published FNV-1 value', 'foobar', 0x31f0b262],
  ])('%s', (_name, input, expected) => {
    expect(fnv1_32(utf8(input))).toBe(expected);
  });

  it('hashes bytes, so a multi-byte character counts as its UTF-8 bytes', () => {
    expect(fnv1_32(utf8('é'))).toBe(fnv1_32(new Uint8Array([0xc3, 0xa9])));
  });

  it('returns an unsigned 32-bit integer', () => {
    const h = fnv1_32(utf8('cluster-with-a-long-namedefault/web'));
    expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
  });
});
