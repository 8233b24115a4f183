import type { TestServer } from '../../../../test/support/test-server.ts';

/**
 * Coordinates GT06 (multiples of 1/1,800,000°), Teltonika (10⁻⁷°) and
 * OsmAnd represent exactly, so the rows read back must equal them to the
 * last digit.
 */
export const SPOTS = [
  { lat: 20.675, lon: -103.3475 },
  { lat: 20.6755, lon: -103.347 },
  { lat: 20.676, lon: -103.3465 },
  { lat: 20.6765, lon: -103.346 },
] as const;

/**
 * H02 sends DDMM.MMMM; the decoder's minutes arithmetic is exact for whole
 * minutes only (10320.8500 W reads back as -103.34750000000001), so H02
 * tests use whole-minute spots: 20°39' N 103°21' W and neighbours.
 */
export const H02_SPOTS = [
  { lat: 20.65, lon: -103.35 },
  { lat: 20.65, lon: -103.3 },
  { lat: 20.7, lon: -103.3 },
] as const;

/** Whole seconds (GT06 and H02 carry no milliseconds), in the recent past so the future filter keeps them. */
export function recentTimes(n: number, stepS = 30): Date[] {
  const base = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
  return Array.from({ length: n }, (_, i) => new Date(base + i * stepS * 1000));
}

export interface Row {
  ts: string;
  lat: number;
  lon: number;
  speedKph: number | null;
  courseDeg: number | null;
  batteryPct: number | null;
  satellites: number | null;
  valid: boolean;
  protocol: string;
  attributes: Record<string, unknown>;
}

export async function rowsOf(t: TestServer, uniqueId: string): Promise<Row[]> {
  const r = await t.api('GET', `/api/devices/${uniqueId}/positions?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`);
  if (r.status !== 200) throw new Error(`positions of ${uniqueId}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.positions as Row[];
}

export interface UnknownRow {
  uniqueId: string;
  protocol: string;
  remoteAddress: string;
  firstSeen: string;
  lastSeen: string;
  count: number;
}

export async function unknownDevices(t: TestServer): Promise<UnknownRow[]> {
  const r = await t.api('GET', '/api/devices/unknown');
  return r.body.devices as UnknownRow[];
}

export function listener(health: { listeners: { name: string; transport: string; connections?: number; counters?: Record<string, number> }[] }, name: string, transport: string) {
  const l = health.listeners.find((x) => x.name === name && x.transport === transport);
  if (!l) throw new Error(`no ${name}/${transport} listener in /api/health`);
  return l;
}
