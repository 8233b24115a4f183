/**
 * Comma-separated field access over the frame bytes, without building
 * strings: H02 decoding must reach 500k frames/s, so numbers are parsed
 * straight from the bytes.
 */

export const MAX_FIELDS = 48;

export class FieldCursor {
  readonly starts = new Int32Array(MAX_FIELDS);
  readonly ends = new Int32Array(MAX_FIELDS);
  count = 0;
  bytes: Uint8Array = new Uint8Array(0);

  /** Splits bytes (start, end) — the frame without '*' and '#' — at commas. False when there are too many fields. */
  split(bytes: Uint8Array, start: number, end: number): boolean {
    this.bytes = bytes;
    let n = 0;
    let fieldStart = start;
    for (let i = start; i < end; i++) {
      if (bytes[i] === 0x2c) {
        if (n === MAX_FIELDS - 1) return false;
        this.starts[n] = fieldStart;
        this.ends[n++] = i;
        fieldStart = i + 1;
      }
    }
    this.starts[n] = fieldStart;
    this.ends[n++] = end;
    this.count = n;
    return true;
  }

  length(i: number): number {
    return this.ends[i] - this.starts[i];
  }

  is(i: number, text: string): boolean {
    const s = this.starts[i];
    if (this.ends[i] - s !== text.length) return false;
    for (let k = 0; k < text.length; k++) if (this.bytes[s + k] !== text.charCodeAt(k)) return false;
    return true;
  }

  char(i: number): number {
    return this.ends[i] > this.starts[i] ? this.bytes[this.starts[i]] : -1;
  }

  text(i: number): string {
    let out = '';
    for (let k = this.starts[i]; k < this.ends[i]; k++) out += String.fromCharCode(this.bytes[k]);
    return out;
  }

  /** Unsigned decimal integer; NaN when empty or not all digits. */
  int(i: number): number {
    return digits(this.bytes, this.starts[i], this.ends[i]);
  }

  /** Two-digit group `k` of a fixed-width field such as HHMMSS; NaN when not digits. */
  pair(i: number, k: number): number {
    const s = this.starts[i] + 2 * k;
    return s + 2 <= this.ends[i] ? digits(this.bytes, s, s + 2) : NaN;
  }

  /** Hex integer (status word), NaN when not hex. */
  hex(i: number): number {
    const s = this.starts[i];
    const e = this.ends[i];
    if (e === s || e - s > 8) return NaN;
    let v = 0;
    for (let k = s; k < e; k++) {
      const c = this.bytes[k];
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
      if (d < 0) return NaN;
      v = v * 16 + d;
    }
    return v;
  }

  /** Index of a second '-' in a field that starts with '-' ("-23-29.0095"), else -1. */
  secondDash(i: number): number {
    const s = this.starts[i];
    if (this.bytes[s] !== 0x2d) return -1;
    for (let k = s + 1; k < this.ends[i]; k++) if (this.bytes[k] === 0x2d) return k;
    return -1;
  }

  /** Unsigned NMEA DDMM.MMMM as degrees: the last two whole digits and the fraction are minutes. NaN when malformed or minutes reach 60. */
  nmea(i: number): number {
    const b = this.bytes;
    let k = this.starts[i];
    const e = this.ends[i];
    let whole = 0;
    let n = 0;
    while (k < e && b[k] >= 0x30 && b[k] <= 0x39) {
      whole = whole * 10 + (b[k++] - 0x30);
      n++;
    }
    let fraction = 0;
    let scale = 1;
    if (k < e && b[k] === 0x2e) {
      k++;
      while (k < e && b[k] >= 0x30 && b[k] <= 0x39) {
        fraction = fraction * 10 + (b[k++] - 0x30);
        scale *= 10;
      }
    }
    if (k !== e || n === 0 || whole % 100 >= 60) return NaN;
    return Math.floor(whole / 100) + ((whole % 100) + fraction / scale) / 60;
  }

  /** Signed decimal with an optional fraction; NaN when malformed. */
  decimal(i: number): number {
    return this.decimalRange(this.starts[i], this.ends[i]);
  }

  decimalRange(start: number, e: number): number {
    const b = this.bytes;
    let k = start;
    const negative = b[k] === 0x2d;
    if (negative) k++;
    let whole = 0;
    let n = 0;
    while (k < e && b[k] >= 0x30 && b[k] <= 0x39) {
      whole = whole * 10 + (b[k++] - 0x30);
      n++;
    }
    let fraction = 0;
    let scale = 1;
    if (k < e && b[k] === 0x2e) {
      k++;
      while (k < e && b[k] >= 0x30 && b[k] <= 0x39) {
        fraction = fraction * 10 + (b[k++] - 0x30);
        scale *= 10;
      }
    }
    if (k !== e || (n === 0 && scale === 1)) return NaN;
    const v = whole + fraction / scale;
    return negative ? -v : v;
  }
}

function digits(b: Uint8Array, s: number, e: number): number {
  if (e <= s) return NaN;
  let v = 0;
  for (let k = s; k < e; k++) {
    const d = b[k] - 0x30;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}
