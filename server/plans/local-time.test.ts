import { describe, expect, it } from 'vitest';
import { hhmmToMinutes, localIso, localMidnightMs, minutesToHhmm } from './local-time.ts';

describe('local time', () => {
  it('puts midnight in Mexico City at 06:00 UTC (UTC−6, no daylight saving since 2022)', () => {
    expect(new Date(localMidnightMs('2030-01-15', 'America/Mexico_City')).toISOString()).toBe('2030-01-15T06:00:00.000Z');
    expect(new Date(localMidnightMs('2030-07-15', 'America/Mexico_City')).toISOString()).toBe('2030-07-15T06:00:00.000Z');
  });

  it('follows a zone with daylight saving (Madrid: UTC+1 in winter, UTC+2 in summer)', () => {
    expect(new Date(localMidnightMs('2030-01-15', 'Europe/Madrid')).toISOString()).toBe('2030-01-14T23:00:00.000Z');
    expect(new Date(localMidnightMs('2030-07-15', 'Europe/Madrid')).toISOString()).toBe('2030-07-14T22:00:00.000Z');
  });

  it('converts HH:MM both ways', () => {
    expect(hhmmToMinutes('08:30')).toBe(510);
    expect(minutesToHhmm(1080)).toBe('18:00');
    expect(minutesToHhmm(1440)).toBe('24:00');
  });

  it('writes an instant as local ISO-8601 with the offset of that moment, to the second', () => {
    const t = Date.parse('2026-11-30T17:44:16.331Z');
    expect(localIso(t, 'America/Mexico_City')).toBe('2026-11-30T11:44:16-06:00');
    expect(localIso(t, 'Asia/Kolkata')).toBe('2026-11-30T23:14:16+05:30');
    expect(localIso(Date.parse('2030-07-15T12:00:00Z'), 'Europe/Madrid')).toBe('2030-07-15T14:00:00+02:00');
    expect(Date.parse(localIso(t, 'Asia/Kolkata'))).toBe(Math.floor(t / 1000) * 1000);
  });
});
