/** Requests a Traccar Client would send, for the simulators and round-trip tests. */

export interface OsmAndFix {
  time: Date;
  lat: number;
  lon: number;
  speedKph?: number;
  courseDeg?: number;
  altitudeM?: number;
  accuracyM?: number;
  batteryPct?: number;
  charging?: boolean;
}

/** The classic query form: epoch seconds, speed in knots (Traccar "OsmAnd protocol"). */
export function encodeOsmAndQuery(uniqueId: string, fix: OsmAndFix): string {
  const params = new URLSearchParams({
    id: uniqueId,
    timestamp: String(Math.floor(fix.time.getTime() / 1000)),
    lat: String(fix.lat),
    lon: String(fix.lon),
  });
  if (fix.speedKph !== undefined) params.set('speed', String(fix.speedKph / 1.852));
  if (fix.courseDeg !== undefined) params.set('bearing', String(fix.courseDeg));
  if (fix.altitudeM !== undefined) params.set('altitude', String(fix.altitudeM));
  if (fix.accuracyM !== undefined) params.set('accuracy', String(fix.accuracyM));
  if (fix.batteryPct !== undefined) params.set('batt', String(fix.batteryPct));
  if (fix.charging !== undefined) params.set('charge', String(fix.charging));
  return params.toString();
}

/** The JSON body of the current Traccar Client app: ISO timestamp, speed in m/s, battery level 0–1. */
export function encodeOsmAndJson(uniqueId: string, fixes: OsmAndFix[]): string {
  const locations = fixes.map((fix) => ({
    timestamp: fix.time.toISOString(),
    coords: {
      latitude: fix.lat,
      longitude: fix.lon,
      speed: fix.speedKph === undefined ? -1 : fix.speedKph / 3.6,
      heading: fix.courseDeg ?? -1,
      altitude: fix.altitudeM ?? 0,
      accuracy: fix.accuracyM ?? 0,
    },
    is_moving: (fix.speedKph ?? 0) > 0,
    battery: { level: fix.batteryPct === undefined ? -1 : fix.batteryPct / 100, is_charging: fix.charging ?? false },
  }));
  return JSON.stringify({ device_id: uniqueId, location: locations.length === 1 ? locations[0] : locations });
}
