import { describe, expect, it } from 'vitest';
import { csvText, readUndecoded } from './csv-text.ts';

/** The bad bytes csvText marked in `text`, as "0xE9". */
const undecodedBytes = (text: string) => readUndecoded(text).undecoded.map((u) => `0x${u.byte.toString(16).toUpperCase()}`);

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const latin1 = (s: string) => Buffer.from(s, 'latin1');
const bytes = (...parts: (Buffer | number[])[]) => new Uint8Array(Buffer.concat(parts.map((p) => (Array.isArray(p) ? Buffer.from(p) : p))));

describe('csvText', () => {
  it('reads a UTF-8 file with a stray byte as UTF-8, marking only that byte', () => {
    const text = csvText(bytes(utf8('id,name\nA,Peña Núñez\nB,Jos'), [0xe9], utf8('\n')));
    expect(text.split('\n')[1]).toBe('A,Peña Núñez');
    expect(undecodedBytes(text.split('\n')[1])).toEqual([]);
    expect(undecodedBytes(text.split('\n')[2])).toEqual(['0xE9']);
    expect(readUndecoded(text)).toEqual({ text: 'id,name\nA,Peña Núñez\nB,José\n', undecoded: [{ byte: 0xe9, offset: 29 }] });
  });

  it('reads a Windows-1252 file as Windows-1252, an accidental UTF-8 sequence in it too', () => {
    expect(csvText(latin1('id,name\nA,José Peña Muñoz\n'))).toBe('id,name\nA,José Peña Muñoz\n');
    // "Ã©" (C3 A9) is valid UTF-8 for "é": one such pair among four accented letters is still Windows-1252.
    expect(csvText(latin1('id,name\nA,JosÃ© Peña\nB,Muñoz Ibáñez\n'))).toBe('id,name\nA,JosÃ© Peña\nB,Muñoz Ibáñez\n');
  });

  it('weighs valid multi-byte sequences against bad bytes, a tie going to UTF-8', () => {
    const tie = csvText(bytes(utf8('A,ñ\nB,'), [0xf1], utf8('\n')));
    expect(tie).toBe('A,ñ\nB,\uFDD0\u00F1\n');
    const more = csvText(bytes(utf8('A,ñ\nB,'), [0xf1, 0x20, 0xe9], utf8('\n')));
    expect(more).toBe('A,Ã±\nB,ñ é\n');
  });

  it('strips a UTF-8 byte-order mark and reads the file as UTF-8 even when most bytes are not', () => {
    expect(csvText(bytes([0xef, 0xbb, 0xbf], utf8('id,name\nA,Peña\n')))).toBe('id,name\nA,Peña\n');
    const text = csvText(bytes([0xef, 0xbb, 0xbf], latin1('id,dirección\nA,Peña Muñoz\nB,Centro\n')));
    expect(text).toBe('id,direcci\uFDD0\u00F3n\nA,Pe\uFDD0\u00F1a Mu\uFDD0\u00F1oz\nB,Centro\n');
    expect(undecodedBytes(text.split('\n')[1])).toEqual(['0xF1', '0xF1']);
  });

  it('reads UTF-16 with its byte-order mark, little- and big-endian (Excel\'s "Unicode text")', () => {
    const text = 'id\tname\nA\tPeña Núñez 😀\n';
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    expect(csvText(bytes([0xff, 0xfe], le))).toBe(text);
    expect(csvText(bytes([0xfe, 0xff], be))).toBe(text);
  });

  it('marks what Table 3-7 of the Unicode Standard does not allow: overlong forms, surrogates, cut sequences', () => {
    // Each file has more valid sequences ("ñ") than bad bytes, so it is read as UTF-8.
    const bad = (b: number[]) => undecodedBytes(csvText(bytes(utf8('ñññññ,'), b, utf8(',x'))));
    expect(bad([0xc0, 0x80])).toEqual(['0xC0', '0x80']);
    expect(bad([0xed, 0xa0, 0x80])).toEqual(['0xED', '0xA0', '0x80']);
    expect(bad([0xe2, 0x82])).toEqual(['0xE2', '0x82']);
    expect(bad([0xf4, 0x90, 0x80, 0x80])).toEqual(['0xF4', '0x90', '0x80', '0x80']);
    expect(bad([0xf0, 0x9f, 0x98, 0x80])).toEqual([]);
    // A U+FEFF after a bad byte is text, not a byte-order mark to drop.
    expect(csvText(bytes(utf8('ñ,'), [0xff], [0xef, 0xbb, 0xbf], utf8('x,ñ')))).toBe('ñ,\uFDD0\u00FF\uFEFFx,ñ');
  });

  it('gives well-formed text, which the API takes, and reads a bad byte in the header as Windows-1252', () => {
    const text = csvText(bytes(utf8('id,direcci'), [0xf3], utf8('n\nA,Peña Núñez\n')));
    // No half of a surrogate pair: the API refuses a body that holds one.
    expect(text).not.toMatch(/\p{Cs}/u);
    expect(readUndecoded(text)).toEqual({ text: 'id,dirección\nA,Peña Núñez\n', undecoded: [{ byte: 0xf3, offset: 10 }] });
  });
});
