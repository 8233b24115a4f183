import { describe, expect, it } from 'vitest';
import { parseTs } from './record-source.ts';

const NOW = Date.parse('2026-11-30T18:00:00Z');
const at = (ts: string | number) => parseTs(ts, NOW).toISOString();

describe('parseTs: a check-in or payment time', () => {
  it('reads ISO-8601 with a zone, in either offset spelling, and epoch milliseconds', () => {
    expect(at('2026-11-30T10:15:00-06:00')).toBe('2026-11-30T16:15:00.000Z');
    expect(at('2026-11-30 10:15:00.5-0600')).toBe('2026-11-30T16:15:00.500Z');
    expect(at('2024-02-29T12:00:00Z')).toBe('2024-02-29T12:00:00.000Z');
    expect(at(Date.parse('2026-11-30T16:15:00Z'))).toBe('2026-11-30T16:15:00.000Z');
    expect(at(String(Date.parse('2026-11-30T16:15:00Z')))).toBe('2026-11-30T16:15:00.000Z');
  });

  it('refuses what Date would roll over or guess, naming the problem (these were stored as 2 March, the next day, UTC and 1970)', () => {
    expect(() => at('2026-02-30T10:00:00Z')).toThrow(/not an ISO-8601 time with a zone/);
    expect(() => at('2026-11-30T24:00:00Z')).toThrow(/not an ISO-8601 time with a zone/);
    expect(() => at('2026-11-30T10:00:00')).toThrow(/not an ISO-8601 time with a zone/);
    expect(() => at(' ')).toThrow(/not an ISO-8601 time/);
    expect(() => at(1_764_500_000)).toThrow('is before 2000 (epoch milliseconds are expected, not seconds)');
  });

  it('refuses a time more than a day ahead of the server, which would top every newest-first list', () => {
    expect(at('2026-12-01T17:00:00Z')).toBe('2026-12-01T17:00:00.000Z');
    expect(() => at('9999-12-31T00:00:00Z')).toThrow("more than a day ahead of the server's clock");
  });
});
