import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';

let t: TestServer;
let collectorId: number;
let token: string;

beforeAll(async () => {
  t = await startTestServer({ TIME_ZONE: 'America/Mexico_City' });
  const team = await t.api('POST', '/api/teams', { name: 'Metrics team' });
  collectorId = (await t.api('POST', '/api/collectors', { name: 'Rosa Díaz', teamId: team.body.id })).body.id;
  token = (await t.createDevice('metrics-phone', collectorId)).token;
});
afterAll(async () => t?.close());

/** The hand computation: great-circle distance between consecutive rows (R = 6371.0088 km). */
function handKm(points: { lat: number; lon: number }[]): number {
  let m = 0;
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1], points[i]];
    const r = Math.PI / 180;
    const h = Math.sin(((b.lat - a.lat) * r) / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lon - a.lon) * r) / 2) ** 2;
    m += 2 * 6371008.8 * Math.asin(Math.sqrt(h));
  }
  return m / 1000;
}

describe('manager metrics from positions', () => {
  it('driven km, moving and stopped minutes, first and last report match the raw rows; a resend adds nothing', async () => {
    // 2026-11-20 09:00 in Mexico City (UTC-6): 20 minutes riding north at one fix a minute, then 10 minutes parked.
    const start = Date.parse('2026-11-20T15:00:00Z');
    const track = [
      ...Array.from({ length: 21 }, (_, i) => ({ ts: start + i * 60_000, lat: 20.66 + i * 0.004, lon: -103.35, speed: 26 })),
      ...Array.from({ length: 10 }, (_, i) => ({ ts: start + (21 + i) * 60_000, lat: 20.74, lon: -103.35, speed: 0 })),
    ];
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'metrics-phone', password: token });
    await c.publishAsync('ronda/metrics-phone/position', JSON.stringify(track), { qos: 1 });
    await c.publishAsync('ronda/metrics-phone/position', JSON.stringify(track.slice(5, 15)), { qos: 1 });
    await c.endAsync();

    const r = await t.api('GET', `/api/metrics/collectors?from=2026-11-20&to=2026-11-20&collectorId=${collectorId}`);
    expect(r.status).toBe(200);
    expect(r.body.rows).toHaveLength(1);
    const row = r.body.rows[0];
    expect(row.day).toBe('2026-11-20');
    expect(row.drivenKm).toBeCloseTo(handKm(track), 2);
    // A segment counts as moving by the speed its closing fix reports: 20 riding minutes, 10 parked ones.
    expect(row.movingMin).toBe(20);
    expect(row.idleMin).toBe(10);
    expect(row.firstReport).toBe(new Date(track[0].ts).toISOString());
    expect(row.lastReport).toBe(new Date(track.at(-1)!.ts).toISOString());

    const csv = await fetch(`${t.baseUrl}/api/metrics/collectors.csv?from=2026-11-20&to=2026-11-20`, { headers: { authorization: `Bearer ${t.token}` } });
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0].split(',')).toContain('drivenKm');
    expect(lines[1]).toContain('Rosa Díaz');
  });
});
