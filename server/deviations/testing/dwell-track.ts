import { STEP_MS } from './excursion-track.ts';

const M_LAT = 111_195;

/**
 * A collector calling at `stops` in turn, one fix every 30 s from startMs: 6 minutes at each stop
 * (a metre or two of jitter), then 2 minutes 150 m north of it (gone: past leaveRadiusM, and past
 * the check-in grace on the device clock), then 5 minutes on the way to the next. With the default
 * rules each stop is an arrival (visit order) and, without a check-in, an arrived_no_checkin.
 */
export function dwellTrack(stops: readonly { lat: number; lon: number }[], startMs: number): { ts: number; lat: number; lon: number }[] {
  const fixes: { ts: number; lat: number; lon: number }[] = [];
  let ts = startMs;
  for (const s of stops) {
    for (let i = 0; i < 13; i++, ts += STEP_MS) fixes.push({ ts, lat: s.lat + ((i % 2) * 1.5) / M_LAT, lon: s.lon });
    for (let i = 0; i < 5; i++, ts += STEP_MS) fixes.push({ ts, lat: s.lat + (150 + i * 5) / M_LAT, lon: s.lon });
    ts += 10 * STEP_MS;
  }
  return fixes;
}
