import type { LivePosition } from '$contract/live.ts';
import { describe, expect, it } from 'vitest';
import { DEVICE_PROTOCOLS, filterDevices, foldLive, newestReport, unregistered, type Report } from './device-rows.ts';

const fold = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
const dev = (uniqueId: string, name: string, protocol: string | null, collectorId: number | null) => ({ uniqueId, name, protocol, collectorId });
const livePos = (uniqueId: string, ts: string, batteryPct: number | null): LivePosition => ({
  collectorId: null,
  deviceId: 1,
  uniqueId,
  protocol: 'mqtt',
  ts,
  lat: 20.67,
  lon: -103.35,
  speedKph: null,
  courseDeg: null,
  batteryPct,
  accuracyM: null,
});

describe('filterDevices', () => {
  const devices = [dev('359339081234567', 'GT06 camioneta', 'gt06', 1), dev('ana-phone', 'Teléfono de Ana', 'mqtt', 2), dev('pool-1', 'Repuesto', null, null)];
  const names = new Map([
    [1, 'José Pérez'],
    [2, 'Ana Ruiz'],
  ]);
  const search = (q: string) => filterDevices(devices, q, (id) => names.get(id) ?? null, fold).map((d) => d.uniqueId);

  it("finds a device by its id, name, protocol or its collector's name, accents and case aside", () => {
    expect(search('')).toEqual(['359339081234567', 'ana-phone', 'pool-1']);
    expect(search('  ')).toHaveLength(3);
    expect(search('339081')).toEqual(['359339081234567']);
    expect(search('telefono')).toEqual(['ana-phone']);
    expect(search('GT06')).toEqual(['359339081234567']);
    expect(search('jose')).toEqual(['359339081234567']);
    expect(search('ruiz')).toEqual(['ana-phone']);
    expect(search('nadie')).toEqual([]);
  });
});

describe('newestReport and foldLive', () => {
  it('keeps the newest of the listed report and what the live stream brought, by device time', () => {
    const live: Report = { tsMs: Date.parse('2026-03-01T10:05:00Z'), batteryPct: 40 };
    expect(newestReport(null, undefined)).toBeNull();
    expect(newestReport(undefined, live)).toEqual(live);
    expect(newestReport({ ts: '2026-03-01T10:00:00Z', batteryPct: 50 }, live)).toEqual(live);
    expect(newestReport({ ts: '2026-03-01T10:10:00Z', batteryPct: 30 }, live)).toEqual({ tsMs: Date.parse('2026-03-01T10:10:00Z'), batteryPct: 30 });
  });

  it('folds a batch into the newest report per device, ignoring a late older one', () => {
    const m = new Map<string, Report>();
    expect(foldLive(m, [livePos('a', '2026-03-01T10:00:00Z', 80), livePos('b', '2026-03-01T10:00:00Z', null)])).toBe(true);
    expect(foldLive(m, [livePos('a', '2026-03-01T09:59:00Z', 90)])).toBe(false);
    expect(m.get('a')).toEqual({ tsMs: Date.parse('2026-03-01T10:00:00Z'), batteryPct: 80 });
    expect(foldLive(m, [livePos('a', '2026-03-01T10:01:00Z', 79)])).toBe(true);
    expect(m.get('a')?.batteryPct).toBe(79);
  });
});

describe('unregistered', () => {
  it('drops ids registered since and keeps one row per id, its latest attempt, newest first', () => {
    const seen = [
      { uniqueId: 'x', protocol: 'gt06', lastSeen: '2026-03-01T10:00:00Z' },
      { uniqueId: 'y', protocol: 'mqtt', lastSeen: '2026-03-01T11:00:00Z' },
      { uniqueId: 'x', protocol: 'h02', lastSeen: '2026-03-01T12:00:00Z' },
      { uniqueId: 'done', protocol: 'mqtt', lastSeen: '2026-03-01T13:00:00Z' },
    ];
    expect(unregistered(seen, [{ uniqueId: 'done' }])).toEqual([
      { uniqueId: 'x', protocol: 'h02', lastSeen: '2026-03-01T12:00:00Z' },
      { uniqueId: 'y', protocol: 'mqtt', lastSeen: '2026-03-01T11:00:00Z' },
    ]);
  });
});

describe('DEVICE_PROTOCOLS', () => {
  it('offers every protocol the contract accepts', () => {
    expect(DEVICE_PROTOCOLS).toEqual(['mqtt', 'owntracks', 'gt06', 'teltonika', 'h02', 'osmand']);
  });
});
