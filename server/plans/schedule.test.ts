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

  it('an empty route goes nowhere', () => {
    expect(scheduleRoute({ size, durations, distances }, 0, 2, 28_800, [])).toMatchObject({ stops: [], endS: 28_800, distanceM: 0 });
  });
});
