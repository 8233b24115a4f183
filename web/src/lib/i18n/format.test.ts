import { describe, expect, it } from 'vitest';
import { makeFormatters } from './format.ts';

const es = makeFormatters('es-MX', 'America/Mexico_City', 'MXN');
const en = makeFormatters('en-US', 'America/Mexico_City', 'MXN');

describe('formatters', () => {
  it('says how old a report is, in whole units, never in the future', () => {
    expect(es.ago(12_400)).toBe('hace 12 s');
    expect(es.ago(-800)).toBe('hace 0 s');
    expect(es.ago(3 * 60_000 + 59_000)).toBe('hace 3 min');
    expect(es.ago(2 * 3_600_000)).toBe('hace 2 h');
    expect(en.ago(12_400)).toBe('12s ago');
    expect(en.ago(45 * 60_000)).toBe('45m ago');
  });

  it('formats money in the account currency', () => {
    expect(es.money(1234.5)).toBe('$1,234.50');
    expect(en.money(1234.5)).toBe('MX$1,234.50');
  });

  it('formats speed, battery and counts', () => {
    expect(es.speed(23.4)).toBe('23 km/h');
    expect(es.percent(47)).toBe('47%');
    expect(en.percent(47)).toBe('47%');
    expect(es.count(2000)).toBe('2,000');
  });

  it('formats distances and durations', () => {
    expect(es.distanceKm(12.345)).toBe('12.3 km');
    expect(es.duration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
    expect(en.duration(12 * 60_000 + 29_000)).toBe('12 min');
  });

  it('prints times in the team time zone', () => {
    expect(en.time(Date.UTC(2026, 10, 23, 18, 5, 9))).toBe('12:05:09 PM');
    // 18:05 UTC is 12:05 in Mexico City (UTC-6, no DST since 2022).
    expect(es.dateTime(Date.UTC(2026, 10, 23, 18, 5, 9))).toBe('23 nov 2026, 12:05:09 p.m.');
  });
});
