import { describe, expect, it } from 'vitest';
import { isoInstant, rondaTime } from './ronda-time.ts';

const iso = (text: string) => isoInstant(text)?.toISOString() ?? null;

describe('isoInstant', () => {
  it('reads Z, ±HH:MM and ±HHMM, a space for the T, no seconds, and drops fraction digits past the millisecond', () => {
    expect(iso('2026-11-30T10:15:00Z')).toBe('2026-11-30T10:15:00.000Z');
    expect(iso('2026-11-30t10:15:00z')).toBe('2026-11-30T10:15:00.000Z');
    expect(iso(' 2026-11-30 10:15-06:00 ')).toBe('2026-11-30T16:15:00.000Z');
    expect(iso('2026-11-30T10:15:00.123456789+0530')).toBe('2026-11-30T04:45:00.123Z');
    expect(iso('2026-12-31T23:30:00-14:00')).toBe('2027-01-01T13:30:00.000Z');
    expect(iso('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
  });

  it('refuses a time without zone, an impossible date or time, an impossible offset and free text', () => {
    for (const text of [
      '2026-11-30T10:15:00',
      '2026-11-30 10:15:00',
      '2026-02-30T10:00:00Z',
      '2026-02-29T10:00:00Z',
      '2026-04-31T10:00:00Z',
      '2026-13-01T10:00:00Z',
      '2026-11-30T24:00:00Z',
      '2026-11-30T10:60:00Z',
      '2026-11-30T10:15:60Z',
      '2026-11-30T10:15:00+15:00',
      '2026-11-30T10:15:00+05:60',
      '2026-11-30T10:15:00+05',
      '2026-11-30',
      'November 29, 2026 10:00',
      'Mon, 30 Nov 2026 10:15:00 GMT',
      '',
    ]) {
      expect(iso(text), text).toBeNull();
    }
  });
});

describe('rondaTime', () => {
  it('reads epoch milliseconds as a number or a string of digits, and ISO-8601 with a zone', () => {
    expect(rondaTime(1_764_519_300_000)?.toISOString()).toBe('2025-11-30T16:15:00.000Z');
    expect(rondaTime('1764519300000')?.toISOString()).toBe('2025-11-30T16:15:00.000Z');
    expect(rondaTime('2025-11-30T10:15:00-06:00')?.toISOString()).toBe('2025-11-30T16:15:00.000Z');
  });

  it('is null for what no Date holds and for values of other types', () => {
    for (const ts of [1e300, Infinity, '99999999999999999999', true, null, undefined, {}, ['2026-11-30T10:15:00Z']]) {
      expect(rondaTime(ts), String(ts)).toBeNull();
    }
  });
});
