import type { ActivePlan, EnginePosition } from '../types.ts';

/** A hand-made day for rule tests: a straight street running east along lat 20.67 in Guadalajara. */
export const LAT = 20.67;
export const LON0 = -103.4;
/** Metres per degree at this latitude (the engine's own equirectangular plane). */
export const M_LAT = 111_195.1;
export const M_LON = M_LAT * Math.cos((LAT * Math.PI) / 180);
export const T0 = Date.UTC(2026, 10, 23, 15, 0, 0);
export const MIN = 60_000;

/** [lon, lat] metres east / north of the street's start. */
export const at = (eastM: number, northM = 0): { lat: number; lon: number } => ({ lat: LAT + northM / M_LAT, lon: LON0 + eastM / M_LON });

export function plan(overrides: Partial<ActivePlan> = {}): ActivePlan {
  const east = (m: number) => [at(m).lon, LAT] as [number, number];
  return {
    collectorId: 7,
    teamId: 1,
    shift: { startMs: T0 - 60 * MIN, endMs: T0 + 8 * 60 * MIN },
    route: [east(0), east(2000), east(4000)],
    visits: [
      { visitId: 101, seq: 1, ...at(1000), status: 'assigned' },
      { visitId: 102, seq: 2, ...at(2000), status: 'assigned' },
      { visitId: 103, seq: 3, ...at(3000), status: 'assigned' },
      { visitId: 104, seq: 4, ...at(4000), status: 'assigned' },
    ],
    ...overrides,
  };
}

/** One fix every stepS seconds from startMs, placed by `where(i)` (metres east, north). */
export function track(startMs: number, count: number, where: (i: number) => [number, number], opts: { stepS?: number; extra?: (i: number) => Partial<EnginePosition> } = {}): EnginePosition[] {
  const step = (opts.stepS ?? 30) * 1000;
  return Array.from({ length: count }, (_, i) => {
    const [e, n] = where(i);
    return { collectorId: 7, deviceId: 70, tsMs: startMs + i * step, ...at(e, n), ...opts.extra?.(i) };
  });
}
