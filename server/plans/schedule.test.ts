import { describe, expect, it } from 'vitest';
import { scheduleRoute } from './schedule.ts';

// Three places on a line, 600 s and 5 km apart.
const size = 3;
const durations = Float64Array.from([0, 600, 1200, 600, 0, 600, 1200, 600, 0]);
const distances = durations.map((d) => (d / 600) * 5000);

describe('scheduleRoute', () => {
  it('waits for a window to open, serves, and returns to the end', () => {
    const s = scheduleRoute({ size, durations, distances }, 0, 0, 8 * 3600, [
      { location: 1, serviceS: 900, window: [9 * 3600, 10 * 3600] },
      { location: 2, serviceS: 600, window: null },
    ]);
    expect(s.stops).toEqual([
      { arrivalS: 8 * 3600 + 600, waitS: 3000, startS: 9 * 3600, departureS: 9 * 3600 + 900, travelS: 600, distanceM: 5000 },
      { arrivalS: 9 * 3600 + 1500, waitS: 0, startS: 9 * 3600 + 1500, departureS: 9 * 3600 + 2100, travelS: 600, distanceM: 5000 },
    ]);
    expect(s.endS).toBe(9 * 3600 + 2100 + 1200);
    expect(s).toMatchObject({ distanceM: 20_000, travelS: 2400, serviceS: 1500, waitS: 3000, returnTravelS: 1200 });
  });

  it('takes a break where the collector is, waiting for its window, and drives faster with a speed factor', () => {
    // 600 s legs at speed factor 1.5 take 400 s; the break may start from 09:00 and lasts 30 min.
    const s = scheduleRoute({ size, durations, distances }, 0, 0, 8 * 3600, [
      { location: 1, serviceS: 600, window: null },
      { location: 2, serviceS: 600, window: null },
    ], { speedFactor: 1.5, breaks: [{ after: 1, window: [9 * 3600, 13 * 3600], durationS: 1800 }] });
    // Stop 1: arrive 08:06:40, leave 08:16:40; wait for 09:00 there, break until 09:30; stop 2 at 09:36:40.
    expect(s.stops.map((x) => [x.arrivalS, x.travelS])).toEqual([[8 * 3600 + 400, 400], [9 * 3600 + 1800 + 400, 400]]);
    expect(s.breaks).toEqual([{ after: 1, startS: 9 * 3600, endS: 9 * 3600 + 1800 }]);
    expect(s.endS).toBe(9 * 3600 + 1800 + 400 + 600 + 800);
    expect(s.waitS).toBe(9 * 3600 - (8 * 3600 + 1000));
  });

  it('a route with no fixed start or end begins at its first stop and ends at its last (no office)', () => {
    const s = scheduleRoute({ size, durations, distances }, undefined, undefined, 8 * 3600, [
      { location: 1, serviceS: 600, window: null },
      { location: 2, serviceS: 600, window: null },
    ]);
    expect(s.stops.map((x) => [x.arrivalS, x.travelS, x.distanceM])).toEqual([[8 * 3600, 0, 0], [8 * 3600 + 1200, 600, 5000]]);
    expect(s).toMatchObject({ endS: 8 * 3600 + 1800, distanceM: 5000, travelS: 600, returnTravelS: 0, returnDistanceM: 0 });
  });

  it('an empty route goes nowhere', () => {
    expect(scheduleRoute({ size, durations, distances }, 0, 2, 28_800, [])).toMatchObject({ stops: [], endS: 28_800, distanceM: 0 });
  });
});
