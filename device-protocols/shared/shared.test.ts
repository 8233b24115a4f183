import { describe, expect, it } from 'vitest';
import { readBcdDigits, readBcdNibbles, writeBcdDigits, writeBcdNibbles } from './bcd.ts';
import { asciiBytes, bytesToAscii, bytesToHex, hexToBytes } from './bytes.ts';
import { crc16Ibm, crc16X25 } from './crc.ts';
import { StreamFramer } from './stream-framer.ts';
import { utcDate, utcFields, utcFromFields } from './time.ts';

describe('crc', () => {
  // Check values from the reveng CRC catalogue (input "123456789").
  it('CRC-16/X-25 check value', () => expect(crc16X25(asciiBytes('123456789'))).toBe(0x906e));
  it('CRC-16/ARC (IBM) check value', () => expect(crc16Ibm(asciiBytes('123456789'))).toBe(0xbb3d));
  it('honours start/end', () => {
    const b = asciiBytes('xx123456789yy');
    expect(crc16X25(b, 2, 11)).toBe(0x906e);
    expect(crc16Ibm(b, 2, 11)).toBe(0xbb3d);
  });
  it('four bytes a step give the same CRC as one bit a step, for every length and alignment', () => {
    const bitwise = (poly: number, init: number, xorout: number, b: Uint8Array, start: number, end: number) => {
      let c = init;
      for (let i = start; i < end; i++) {
        c ^= b[i];
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
      }
      return (c ^ xorout) & 0xffff;
    };
    const b = Uint8Array.from({ length: 64 }, (_, i) => (i * 151 + 29) & 0xff);
    for (let start = 0; start < 4; start++) {
      for (let end = start; end <= b.length; end++) {
        expect(crc16X25(b, start, end)).toBe(bitwise(0x8408, 0xffff, 0xffff, b, start, end));
        expect(crc16Ibm(b, start, end)).toBe(bitwise(0xa001, 0, 0, b, start, end));
      }
    }
  });
  // GT06N protocol v1.8.1 §5.1.1 login example: CRC over length..serial is 0x8CDD.
  it('matches the Concox login example', () => {
    const frame = hexToBytes('78780d01012345678901234500018cdd0d0a');
    expect(crc16X25(frame, 2, frame.length - 4)).toBe(0x8cdd);
  });
});

describe('bcd', () => {
  it('reads and writes digits', () => {
    const out = new Uint8Array(8);
    writeBcdDigits('123456789012345', out, 0, 8);
    expect(bytesToHex(out)).toBe('0123456789012345');
    expect(readBcdDigits(out, 0, 8)).toBe('0123456789012345');
  });
  it('rejects non-decimal nibbles', () => expect(readBcdDigits(hexToBytes('1a'), 0, 1)).toBeNull());
  it('refuses too many digits', () => expect(() => writeBcdDigits('123', new Uint8Array(1), 0, 1)).toThrow(RangeError));
  it('reads digits that start and end inside a byte', () => {
    // Nibbles 0 7 4 0 4 1 8 3 0 6: an H02 binary longitude (074°, 04.1830') followed by its flag nibble.
    const b = hexToBytes('0740418306');
    expect([readBcdNibbles(b, 0, 3), readBcdNibbles(b, 3, 6), readBcdNibbles(b, 9, 1)]).toEqual([74, 41830, 6]);
    expect(readBcdNibbles(hexToBytes('1c'), 0, 2)).toBeNaN();
  });
  it('writes digits into half bytes without touching the other half', () => {
    const b = hexToBytes('000e');
    writeBcdNibbles('014', b, 0);
    writeBcdNibbles('7', b, 3);
    expect(bytesToHex(b)).toBe('0147');
    expect(() => writeBcdNibbles('1a', b, 0)).toThrow(RangeError);
  });
});

describe('bytes', () => {
  it('hex round trip', () => expect(bytesToHex(hexToBytes('00 ff 7a'))).toBe('00ff7a'));
  it('ascii round trip', () => expect(bytesToAscii(asciiBytes('*HQ,1#'))).toBe('*HQ,1#'));
  it('rejects odd hex', () => expect(() => hexToBytes('abc')).toThrow(RangeError));
});

describe('time', () => {
  it('builds UTC dates from two-digit years', () => {
    expect(utcFromFields(11, 8, 29, 17, 46, 16)?.toISOString()).toBe('2011-08-29T17:46:16.000Z');
    expect(utcFromFields(11, 13, 29, 17, 46, 16)).toBeNull();
  });
  it('refuses fields no calendar has instead of rolling them into another date', () => {
    // Date.UTC alone makes 31 Feb 2026 into 3 March and 30 Feb into 2 March.
    expect(utcFromFields(26, 2, 31, 10, 0, 0)).toBeNull();
    expect(utcFromFields(26, 2, 30, 10, 0, 0)).toBeNull();
    expect(utcFromFields(26, 2, 29, 10, 0, 0)).toBeNull(); // 2026 is not a leap year
    expect(utcFromFields(26, 4, 31, 10, 0, 0)).toBeNull();
    expect(utcFromFields(26, 1, 1, 24, 0, 0)).toBeNull();
    expect(utcFromFields(26, 1, 1, 23, 60, 0)).toBeNull();
    expect(utcFromFields(16, 12, 31, 23, 59, 60)).toBeNull(); // a leap second: a Date cannot hold it
    expect(utcFromFields(126, 1, 1, 0, 0, 0)).toBeNull(); // a GT06 year byte past 99
    expect(utcFromFields(24, 2, 29, 23, 59, 59)?.toISOString()).toBe('2024-02-29T23:59:59.000Z');
    expect(utcFromFields(0, 2, 29, 0, 0, 0)?.toISOString()).toBe('2000-02-29T00:00:00.000Z'); // 2000 is a leap year
    expect(utcDate(2024, 5, 1, 10, 0, 0, 999)?.toISOString()).toBe('2024-05-01T10:00:00.999Z');
    expect(utcDate(2024, 5, 1, 10, 0, 0, 1000)).toBeNull();
    expect(utcDate(2024, 5, 1.5, 10, 0, 0)).toBeNull();
  });
  it('splits a date back into fields', () => {
    expect(utcFields(new Date('2024-02-29T23:59:58Z'))).toEqual({ year2: 24, month: 2, day: 29, hour: 23, minute: 59, second: 58 });
  });
});

describe('StreamFramer', () => {
  // A toy protocol: 0xAA, length byte, payload.
  const probe = (b: Uint8Array, s: number, e: number) => {
    if (b[s] !== 0xaa) return -1;
    if (e - s < 2) return 0;
    if (b[s + 1] > 10) return -1;
    return e - s >= 2 + b[s + 1] ? 2 + b[s + 1] : 0;
  };
  const make = () => new StreamFramer('gt06', probe, (x) => x === 0xaa, 16);

  it('joins split frames and splits merged ones', () => {
    const f = make();
    expect(f.push(hexToBytes('aa0301')).frames).toEqual([]);
    expect(f.bufferedBytes).toBe(3);
    const out = f.push(hexToBytes('0203aa0109aa'));
    expect(out.frames.map(bytesToHex)).toEqual(['aa03010203', 'aa0109']);
    expect(f.bufferedBytes).toBe(1);
  });
  it('skips garbage and reports it once', () => {
    const out = make().push(hexToBytes('0102aa0fffaa0100'));
    expect(out.frames.map(bytesToHex)).toEqual(['aa0100']);
    expect(out.errors).toEqual([{ protocol: 'gt06', code: 'garbage', detail: 'skipped 5 bytes between frames', fatal: false }]);
  });
  it('drops and reports a buffer past its cap', () => {
    const probeNeverDone = (b: Uint8Array, s: number) => (b[s] === 0xaa ? 0 : -1);
    const f = new StreamFramer('h02', probeNeverDone, (x) => x === 0xaa, 4);
    const out = f.push(hexToBytes('aa01020304'));
    expect(out.errors[0].code).toBe('overflow');
    expect(out.errors[0].fatal).toBe(true);
    expect(f.bufferedBytes).toBe(0);
  });
});
