const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** For the valid stretches between bad bytes: a U+FEFF there is a character, not a byte-order mark to drop. */
const UTF8_STRETCH = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const WINDOWS_1252 = new TextDecoder('windows-1252');

/**
 * Each byte of a UTF-8 file that is not UTF-8 stands in the text as U+FDD0 followed by the
 * character of the same number (0xE9: "\uFDD0\u00E9"), so the row that holds it can be told
 * and the byte named. U+FDD0 is a noncharacter, reserved for a program's internal use
 * (Unicode §23.7): a file meant for exchange does not hold it. Python's "surrogateescape"
 * (PEP 383) marks with lone surrogates instead, but the API refuses a body that is not
 * well-formed Unicode, and csv-parse turns a lone surrogate into U+FFFD.
 */
const MARK = '\uFDD0';
const UNDECODED = /\uFDD0[\u0080-\u00FF]/g;
const HAS_UNDECODED = /\uFDD0[\u0080-\u00FF]/;

/**
 * The text of an uploaded or local CSV file. The API and the import CLI both read files
 * through this, so the same file imports the same either way.
 *
 * - A UTF-16 byte-order mark (Excel's "Unicode text"): UTF-16 LE or BE.
 * - Valid UTF-8, with or without its byte-order mark: UTF-8.
 * - A UTF-8 byte-order mark and bytes that are not UTF-8: UTF-8, the bad bytes marked (see
 *   UNDECODED) so the rows that hold them are refused; the mark says the file is UTF-8.
 * - Otherwise the file is UTF-8 with some bad bytes, or Windows-1252 (a spreadsheet saved
 *   as "CSV" on a Spanish Windows, where "Peña" read as UTF-8 is "Pe\uFFFDa" in every row).
 *   In Windows-1252 text a valid multi-byte UTF-8 sequence is an accident (an uppercase
 *   accented letter followed by a symbol such as "º"), while every accented letter is an
 *   invalid byte; in a UTF-8 file with a stray byte it is the other way round. So the file
 *   is UTF-8 when it holds at least as many valid multi-byte sequences as invalid bytes,
 *   else Windows-1252. A tie goes to UTF-8: its bad rows are refused with a reason, while
 *   a wrong Windows-1252 reading would store "PeÃ±a" in silence.
 */
export function csvText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return UTF8.decode(bytes);
  } catch {
    // Not valid UTF-8: decide below.
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const { multiByte, invalid } = scanUtf8(body);
  if (!bom && multiByte < invalid.length) return WINDOWS_1252.decode(bytes);
  let text = '';
  let from = 0;
  for (const at of invalid) {
    text += UTF8_STRETCH.decode(body.subarray(from, at)) + MARK + String.fromCharCode(body[at]);
    from = at + 1;
  }
  return text + UTF8_STRETCH.decode(body.subarray(from));
}

/** A byte csvText found not to be UTF-8: its value, and where it is in the text csv-parse reads (its UTF-8 byte offset). */
export interface UndecodedByte {
  byte: number;
  offset: number;
}

/**
 * The text to parse, with each byte csvText marked as not UTF-8 read as Windows-1252 (so a
 * header cell "Direcci\xF3n" still names its column), and where each such byte is. csv-parse
 * works on the text's UTF-8 bytes and says how many bytes each record ends at (info.bytes);
 * the offsets here count the same bytes, so a record can be told which bad bytes it holds.
 */
export function readUndecoded(text: string): { text: string; undecoded: UndecodedByte[] } {
  const undecoded: UndecodedByte[] = [];
  if (!HAS_UNDECODED.test(text)) return { text, undecoded };
  let out = '';
  let from = 0;
  let offset = 0;
  for (const m of text.matchAll(UNDECODED)) {
    const before = text.slice(from, m.index);
    const byte = m[0].charCodeAt(1);
    const char = WINDOWS_1252.decode(Uint8Array.of(byte));
    offset += Buffer.byteLength(before);
    undecoded.push({ byte, offset });
    offset += Buffer.byteLength(char);
    out += before + char;
    from = m.index + m[0].length;
  }
  return { text: out + text.slice(from), undecoded };
}

/**
 * Valid multi-byte sequences and the offsets of bytes that begin none, by the well-formed
 * sequences of the Unicode Standard, Table 3-7 (no overlong forms, surrogates or code
 * points past U+10FFFF). A byte that begins no valid sequence is invalid on its own and the
 * scan goes on at the next byte.
 */
function scanUtf8(b: Uint8Array): { multiByte: number; invalid: number[] } {
  const invalid: number[] = [];
  let multiByte = 0;
  const inRange = (at: number, lo: number, hi: number) => at < b.length && b[at] >= lo && b[at] <= hi;
  let i = 0;
  while (i < b.length) {
    const b0 = b[i];
    if (b0 < 0x80) {
      i++;
      continue;
    }
    let length = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      if (inRange(i + 1, 0x80, 0xbf)) length = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      const [lo, hi] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
      if (inRange(i + 1, lo, hi) && inRange(i + 2, 0x80, 0xbf)) length = 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      const [lo, hi] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      if (inRange(i + 1, lo, hi) && inRange(i + 2, 0x80, 0xbf) && inRange(i + 3, 0x80, 0xbf)) length = 4;
    }
    if (length === 0) {
      invalid.push(i);
      i++;
    } else {
      multiByte++;
      i += length;
    }
  }
  return { multiByte, invalid };
}
