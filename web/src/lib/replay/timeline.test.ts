import { describe, expect, it } from 'vitest';
import type { CheckinOut } from '$contract/checkin.ts';
import { stopMarks, visitMarks } from './timeline.ts';

function checkin(id: string, ts: string): CheckinOut {
  return { id, visitId: 1, accountId: 1, teamId: 1, collectorId: 1, ts, lat: 20, lon: -103, outcome: 'paid', note: null, promiseDate: null, promiseAmount: null, distanceM: 0, flags: [] };
}

describe('timeline marks', () => {
  it('places a stop by the indexes it spans, as the slider does', () => {
    const [mark] = stopMarks([{ startIndex: 2, endIndex: 6, startMs: 0, endMs: 1, lat: 0, lon: 0 }], 11);
    expect(mark).toMatchObject({ index: 2, left: 0.2 });
    expect(mark.width).toBeCloseTo(0.4);
  });

  it('puts check-ins on the point reported just before them, oldest first, before the track at the start', () => {
    const tsMs = [Date.parse('2026-11-23T15:00:00Z'), Date.parse('2026-11-23T15:10:00Z'), Date.parse('2026-11-23T15:20:00Z')];
    const marks = visitMarks([checkin('b', '2026-11-23T15:15:00Z'), checkin('a', '2026-11-23T14:00:00Z'), checkin('c', 'not a time')], tsMs);
    expect(marks.map((m) => [m.checkin.id, m.index, m.left])).toEqual([
      ['a', 0, 0],
      ['b', 1, 0.5],
    ]);
  });

  it('has no visit marks without a track', () => {
    expect(visitMarks([checkin('a', '2026-11-23T15:15:00Z')], [])).toEqual([]);
  });
});
