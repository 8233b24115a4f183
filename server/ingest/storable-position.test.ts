import { describe, expect, it } from 'vitest';
import type { Position } from '../../device-protocols/messages.ts';
import { unstorablePosition } from './storable-position.ts';

const fix = (extra: Partial<Position> = {}): Position => ({ kind: 'position', uniqueId: 'p', fixTime: new Date('2026-12-03T10:00:00Z'), lat: 20.67, lon: -103.35, valid: true, attributes: {}, ...extra });

describe('unstorablePosition', () => {
  it('takes the values a working device reports, at the ends of their ranges', () => {
    for (const extra of [{}, { batteryPct: 0 }, { batteryPct: 100 }, { accuracyM: 0 }, { courseDeg: 360 }, { altitudeM: -400 }, { speedKph: 0 }]) {
      expect(unstorablePosition(fix(extra)), JSON.stringify(extra)).toBeNull();
    }
  });

  it('refuses, with its reason, what no working device reports (an OsmAnd client posting batt=500 by hand)', () => {
    expect(unstorablePosition(fix({ batteryPct: 500 }))).toBe('batteryPct 500 is outside 0..100');
    expect(unstorablePosition(fix({ batteryPct: -40 }))).toBe('batteryPct -40 is outside 0..100');
    expect(unstorablePosition(fix({ accuracyM: -3 }))).toBe('accuracyM -3 is outside 0..1000000');
    expect(unstorablePosition(fix({ altitudeM: 1e30 }))).toBe('altitudeM 1e+30 is outside -1000..20000');
    expect(unstorablePosition(fix({ speedKph: Number.NaN }))).toBe('speedKph NaN is outside 0..2000');
    // Past float4 the database's own limit is named.
    expect(unstorablePosition(fix({ altitudeM: -1e300 }))).toBe('altitudeM -1e+300 is beyond what can be stored');
  });
});
