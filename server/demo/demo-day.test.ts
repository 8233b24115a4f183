import { describe, expect, it } from 'vitest';
import { DEMO_LEAD_MIN, DEMO_SHIFT_MIN, demoTimeZone, localMinutes } from './demo-day.ts';

const MEXICO = 'America/Mexico_City';
/** Whether the demo's shift, started now in `zone`, is a day's work: from 06:00, ending by midnight. */
const wholeShift = (zone: string, at: Date) => localMinutes(zone, at) >= 6 * 60 && localMinutes(zone, at) - DEMO_LEAD_MIN + DEMO_SHIFT_MIN <= 24 * 60;

describe("the demo's time zone", () => {
  it('keeps the configured zone while its day has room for the whole shift', () => {
    expect(demoTimeZone(MEXICO, false, new Date('2026-12-01T12:00:00Z'))).toBe(MEXICO); // 06:00 there
    expect(demoTimeZone(MEXICO, false, new Date('2026-12-01T17:00:00Z'))).toBe(MEXICO); // 11:00
    expect(demoTimeZone(MEXICO, false, new Date('2026-12-01T20:00:00Z'))).toBe(MEXICO); // 14:00: ends 23:45
  });

  it('moves a start in the evening or at night to a zone where it is morning, with the whole shift ahead', () => {
    const night = ['2026-12-01T06:14:00Z', '2026-12-01T11:59:00Z']; // 00:14 and 05:59 there
    for (const iso of ['2026-12-01T05:53:00Z', '2026-12-01T20:31:00Z', '2026-12-02T02:00:00Z', '2026-07-01T04:59:00Z', ...night]) {
      const at = new Date(iso);
      expect(wholeShift(MEXICO, at), iso).toBe(false);
      const zone = demoTimeZone(MEXICO, false, at);
      expect(zone, iso).toMatch(/^Etc\//);
      expect(Math.floor(localMinutes(zone, at) / 60), iso).toBe(9);
      expect(wholeShift(zone, at), iso).toBe(true);
    }
  });

  it('keeps a zone set with TIME_ZONE, however late it is there', () => {
    expect(demoTimeZone(MEXICO, true, new Date('2026-12-01T05:53:00Z'))).toBe(MEXICO);
  });
});
