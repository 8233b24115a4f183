import { describe, expect, it } from 'vitest';
import type { PositionPage } from '$contract/device.ts';
import { fetchTrack, type GetJson } from './track-fetch.ts';
import type { TrackPoint } from './track.ts';

const point = (ts: string): TrackPoint => ({
  ts, serverTime: ts, lat: 20.67, lon: -103.35, speedKph: null, courseDeg: null, altitudeM: null, accuracyM: null, batteryPct: null, satellites: null,
  valid: true, protocol: 'gt06', attributes: {}, segmentM: null,
});
const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 15, 0, s)).toISOString();

/** The server's answer as GET /api/devices/{uniqueId}/positions gives it (server/repositories/position.repository.ts), `pageSize` at a time. */
function server(stored: TrackPoint[], pageSize: number) {
  const asked: string[] = [];
  const get = (async (path: string) => {
    asked.push(path);
    const q = new URL(path, 'http://ronda').searchParams;
    const inRange = stored.filter((p) => p.ts >= q.get('from')! && p.ts < q.get('to')!);
    return { positions: inRange.slice(0, pageSize), next: inRange[pageSize]?.ts ?? null } satisfies PositionPage;
  }) as GetJson;
  return { get, asked };
}

describe('fetchTrack', () => {
  it('follows `next` until the range is read, so a day past one page is replayed whole', async () => {
    const stored = [0, 1, 2, 3, 4, 5, 6].map((s) => point(at(s)));
    const { get, asked } = server(stored, 3);
    const track = await fetchTrack(get, 'imei 1', at(0), at(60), 7);
    expect(track.map((p) => p.ts)).toEqual(stored.map((p) => p.ts));
    expect(asked).toEqual([at(0), at(3), at(6)].map((from) => `/devices/imei%201/positions?${new URLSearchParams({ from, to: at(60), collectorId: '7' })}`));
  });

  it('reads once when everything fits, and stops on a `next` that does not move forward', async () => {
    const one = server([point(at(0)), point(at(1))], 100);
    expect(await fetchTrack(one.get, 'p', at(0), at(60))).toHaveLength(2);
    expect(one.asked).toHaveLength(1);
    const stuck = (async () => ({ positions: [point(at(5))], next: at(5) })) as GetJson;
    expect(await fetchTrack(stuck, 'p', at(5), at(60))).toHaveLength(1);
  });
});
