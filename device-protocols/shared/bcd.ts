/** Packed BCD as trackers use it: two decimal digits per byte, high nibble first (GT06 login IMEI, H02 binary). */

const DIGITS = '0123456789';

/** Digits of `length` BCD bytes; null when a nibble is not 0–9. */
export function readBcdDigits(bytes: Uint8Array, offset: number, length: number): string | null {
  let out = '';
  for (let i = offset; i < offset + length; i++) {
    const hi = bytes[i] >>> 4;
    const lo = bytes[i] & 0x0f;
    if (hi > 9 || lo > 9) return null;
    out += DIGITS[hi] + DIGITS[lo];
  }
  return out;
}

/** Writes `digits` right-aligned into `length` bytes, left-padding with zeros (a 15-digit IMEI becomes 16 digits). */
export function writeBcdDigits(digits: string, out: Uint8Array, offset: number, length: number): void {
  if (!/^\d*$/.test(digits) || digits.length > length * 2) throw new RangeError(`not ${length * 2} BCD digits: ${digits}`);
  const padded = digits.padStart(length * 2, '0');
  for (let i = 0; i < length; i++) {
    out[offset + i] = ((padded.charCodeAt(2 * i) - 48) << 4) | (padded.charCodeAt(2 * i + 1) - 48);
  }
}

/**
 * `count` BCD digits starting at nibble `firstNibble` (nibble 2k is the high
 * half of byte k) as a number; NaN when one is not 0–9. For fields that do
 * not start or end on a byte boundary (H02 binary longitude, speed, course).
 */
export function readBcdNibbles(bytes: Uint8Array, firstNibble: number, count: number): number {
  let value = 0;
  for (let n = firstNibble; n < firstNibble + count; n++) {
    const b = bytes[n >> 1];
    const digit = n & 1 ? b & 0x0f : b >>> 4;
    if (digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** Writes the decimal `digits` from nibble `firstNibble` on, leaving the other half of a shared byte as it is. */
export function writeBcdNibbles(digits: string, out: Uint8Array, firstNibble: number): void {
  if (!/^\d*$/.test(digits)) throw new RangeError(`not BCD digits: ${digits}`);
  for (let k = 0; k < digits.length; k++) {
    const n = firstNibble + k;
    const digit = digits.charCodeAt(k) - 48;
    const i = n >> 1;
    out[i] = n & 1 ? (out[i] & 0xf0) | digit : (out[i] & 0x0f) | (digit << 4);
  }
}
