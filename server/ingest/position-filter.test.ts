import { describe, expect, it } from 'vitest';
import type { Position } from '../../device-protocols/messages.ts';
import { filterPosition, withoutUnknowns, type FilterConfig } from './position-filter.ts';

const NOW = Date.parse('2026-11-30T18:00:00Z');
const OFF: FilterConfig = { invalid: false, zero: false, futureS: 0, duplicate: false, accuracyM: 0, maxSpeedKph: 0 };
const fix = (over: Partial<Position> = {}): Position => ({
  kind: 'position',
  fixTime: new Date(NOW - 60_000),
  lat: 20.6767,
  lon: -103.3475,
  valid: true,
  attributes: {},
  ...over,
});
const reason = (p: Position) => {
  const v = filterPosition(p, undefined, NOW, OFF);
  return v.ok ? null : v.reason;
};

describe('filterPosition, with every switchable filter off', () => {
  it('still refuses what no real fix holds, each with its reason', () => {
    expect(reason(fix())).toBeNull();
    expect(reason(fix({ fixTime: new Date(NaN) }))).toBe('fix time is not a valid date');
    expect(reason(fix({ fixTime: new Date(0) }))).toBe('fix time 1970-01-01T00:00:00.000Z is before 2000');
    expect(reason(fix({ lat: 95 }))).toBe('coordinates 95,-103.3475 out of range');
    expect(reason(fix({ lon: -181 }))).toBe('coordinates 20.6767,-181 out of range');
    expect(reason(fix({ lat: Number.NaN }))).toMatch(/^coordinates NaN/);
    expect(reason(fix({ speedKph: 185_199.98 }))).toBe('speed 185199.98 km/h out of range');
    expect(reason(fix({ courseDeg: 999 }))).toBe('course 999° out of range');
    expect(reason(fix({ speedKph: 1000, courseDeg: 360, lat: -90, lon: 180 }))).toBeNull();
  });
});

describe('withoutUnknowns', () => {
  it('drops a negative speed or course (an app that does not know) and keeps the rest', () => {
    expect(withoutUnknowns(fix({ speedKph: -1, courseDeg: -1 }))).toEqual(fix());
    expect(withoutUnknowns(fix({ speedKph: 12, courseDeg: -1 }))).toEqual(fix({ speedKph: 12 }));
    const known = fix({ speedKph: 0, courseDeg: 0 });
    expect(withoutUnknowns(known)).toBe(known);
  });
});
