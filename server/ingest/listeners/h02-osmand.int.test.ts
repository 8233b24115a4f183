import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeH02BinaryPosition, encodeH02Heartbeat, encodeH02Position, encodeOsmAndJson, encodeOsmAndQuery, type H02Fix } from '../../../device-protocols/index.ts';
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts';
import { H02_SPOTS, listener, recentTimes, rowsOf, SPOTS, unknownDevices } from './testing/fixes.ts';
import { RawTcp } from './testing/raw-tcp.ts';
import { until } from '../../../test/support/until.ts';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

/** 10 knots: H02 sends knots with two decimals, so this speed survives the trip exactly. */
const H02_KPH = 18.52;

function h02Fix(time: Date, spot: { lat: number; lon: number }, status?: number): H02Fix {
  return { time, lat: spot.lat, lon: spot.lon, valid: true, speedKph: H02_KPH, courseDeg: 270, status };
}

describe('H02 over TCP', () => {
  it('binds the connection to the id of its first frame and stores V1 positions; LINK heartbeats store nothing', async () => {
    const id = '4209917198';
    await t.createDevice(id);
    // Spots 5 km apart: two minutes between fixes keeps the implied speed under the filter's 300 km/h.
    const times = recentTimes(3, 120);
    const c = await RawTcp.connect(t.server.ports.h02);
    c.write(encodeH02Heartbeat(id, { time: times[0], gsmSignal: 4, satellites: 8, batteryPct: 90 }));
    c.write(encodeH02Position(id, h02Fix(times[0], H02_SPOTS[0])));
    await c.writeBytewise(encodeH02Position(id, h02Fix(times[1], H02_SPOTS[1])));
    // Status word bit 1 at 0 = SOS (negative logic); stored as the alarm's position.
    c.write(encodeH02Position(id, h02Fix(times[2], H02_SPOTS[2], 0xfffffbfd)));
    await until('three H02 rows', async () => (await rowsOf(t, id)).length === 3);
    const rows = await rowsOf(t, id);
    expect(rows.map((r) => [r.ts, r.lat, r.lon, r.speedKph, r.courseDeg, r.protocol])).toEqual(
      times.map((time, i) => [time.toISOString(), H02_SPOTS[i].lat, H02_SPOTS[i].lon, H02_KPH, 270, 'h02']),
    );
    expect(rows[2].attributes.alarm).toBe('sos');
    // H02 devices expect no reply to V1 or LINK.
    expect(c.rest()).toEqual(new Uint8Array(0));
    await c.end();
  });

  it('stores binary $ reports, written byte by byte and merged, next to the same device\'s text frames', async () => {
    const id = '4106000826';
    await t.createDevice(id);
    const times = recentTimes(3, 120);
    const c = await RawTcp.connect(t.server.ports.h02);
    c.write(encodeH02Heartbeat(id, { time: times[0], gsmSignal: 4, satellites: 8, batteryPct: 90 }));
    await c.writeBytewise(encodeH02BinaryPosition(id, { ...h02Fix(times[0], H02_SPOTS[0]), batteryLevel: 5 }));
    c.write(Uint8Array.from([...encodeH02BinaryPosition(id, h02Fix(times[1], H02_SPOTS[1])), ...encodeH02BinaryPosition(id, h02Fix(times[2], H02_SPOTS[2], 0xfffffbfd))]));
    await until('three H02 binary rows', async () => (await rowsOf(t, id)).length === 3);
    const rows = await rowsOf(t, id);
    expect(rows.map((r) => [r.ts, r.lat, r.lon, r.speedKph, r.courseDeg, r.protocol])).toEqual(
      times.map((time, i) => [time.toISOString(), H02_SPOTS[i].lat, H02_SPOTS[i].lon, H02_KPH, 270, 'h02']),
    );
    expect(rows[0].attributes.batteryLevel).toBe(5);
    expect(rows[2].attributes.alarm).toBe('sos');
    expect(listener((await t.api('GET', '/api/health')).body, 'h02', 'tcp').counters).toMatchObject({ errors: 0 });
    await c.end();
  });

  it('stores every fix of a buffer sent just before the device hangs up (H02 has no ACK to resend on)', async () => {
    const id = '4209917200';
    await t.createDevice(id);
    // 40 fixes 10 s apart a few metres from each other: a tracker emptying its memory after a coverage gap.
    const times = recentTimes(40, 10);
    const fixes = times.map((time, i) => encodeH02Position(id, h02Fix(time, { lat: H02_SPOTS[0].lat, lon: H02_SPOTS[0].lon + i / 60_000 })));
    const c = await RawTcp.connect(t.server.ports.h02);
    c.write(Uint8Array.from(fixes.flatMap((f) => [...f])));
    c.destroy();
    const rows = await until('all 40 rows', async () => {
      const stored = await rowsOf(t, id);
      return stored.length === 40 ? stored : undefined;
    });
    expect(rows.map((r) => r.ts)).toEqual(times.map((time) => time.toISOString()));
  });

  it('closes on an unknown id and lists it', async () => {
    const c = await RawTcp.connect(t.server.ports.h02);
    c.write(encodeH02Position('4209999999', h02Fix(recentTimes(1)[0], H02_SPOTS[0])));
    await c.closed;
    expect(c.rest()).toEqual(new Uint8Array(0));
    expect((await unknownDevices(t)).find((d) => d.uniqueId === '4209999999')).toMatchObject({ protocol: 'h02', remoteAddress: '127.0.0.1', count: 1 });
  });
});

describe('OsmAnd over HTTP', () => {
  const url = (query = '') => `http://127.0.0.1:${t.server.ports.osmand}/${query}`;

  it('stores a GET position and answers 200 once it can be read back', async () => {
    const id = 'traccar-client-1';
    await t.createDevice(id);
    const [time] = recentTimes(1);
    const res = await fetch(url(`?${encodeOsmAndQuery(id, { time, lat: SPOTS[0].lat, lon: SPOTS[0].lon, speedKph: 36, courseDeg: 45, accuracyM: 12, batteryPct: 64 })}`));
    expect(res.status).toBe(200);
    expect(await rowsOf(t, id)).toEqual([
      expect.objectContaining({ ts: time.toISOString(), lat: SPOTS[0].lat, lon: SPOTS[0].lon, speedKph: 36, courseDeg: 45, accuracyM: 12, batteryPct: 64, protocol: 'osmand' }),
    ]);
  });

  it('stores a JSON POST batch from the Traccar Client app, oldest first', async () => {
    const id = 'traccar-client-2';
    await t.createDevice(id);
    const times = recentTimes(2);
    const body = encodeOsmAndJson(id, [
      { time: times[0], lat: SPOTS[1].lat, lon: SPOTS[1].lon, speedKph: 18, batteryPct: 55 },
      { time: times[1], lat: SPOTS[2].lat, lon: SPOTS[2].lon, speedKph: 0, batteryPct: 54, charging: true },
    ]);
    const res = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    const rows = await rowsOf(t, id);
    expect(rows.map((r) => [r.ts, r.lat, r.lon, r.speedKph, r.batteryPct])).toEqual([
      [times[0].toISOString(), SPOTS[1].lat, SPOTS[1].lon, 18, 55],
      [times[1].toISOString(), SPOTS[2].lat, SPOTS[2].lon, 0, 54],
    ]);
    expect(rows[1].attributes.charging).toBe(true);
  });

  it('answers 400 with the reason for a request that names no device, 404 for an unknown id (listed), 405 for other methods', async () => {
    const bad = await fetch(url(`?lat=20.6&lon=-103.3`));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('missing id');

    const unknown = await fetch(url(`?${encodeOsmAndQuery('ghost-phone', { time: recentTimes(1)[0], lat: SPOTS[0].lat, lon: SPOTS[0].lon })}`));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('unknown device id ghost-phone');
    expect((await unknownDevices(t)).find((d) => d.uniqueId === 'ghost-phone')).toMatchObject({ protocol: 'osmand', count: 1 });

    expect((await fetch(url(), { method: 'DELETE' })).status).toBe(405);
    const health = (await t.api('GET', '/api/health')).body;
    const answers = ['missing id', 'unknown device id ghost-phone', 'method DELETE not allowed'];
    expect(listener(health, 'osmand', 'http').counters).toMatchObject({ frames: 5, acks: 2, refused: 1, errors: 2, bytesOut: answers.join('').length });
  });

  it("takes a registered phone's unreadable fix off its queue: 200 with why, counted, and the next fix is stored", async () => {
    // Traccar Client resends whatever is not answered 200 before anything newer: a 400 here held back every later fix.
    const id = 'traccar-client-unreadable';
    await t.createDevice(id);
    const [later] = recentTimes(1);
    const unreadable = await fetch(url(`?id=${id}&lat=20.6&timestamp=${Math.floor(later.getTime() / 1000) - 5}`));
    expect({ status: unreadable.status, body: await unreadable.text() }).toEqual({ status: 200, body: 'not stored: missing lat/lon' });
    const json = { device_id: id, location: [{ timestamp: 'yesterday', coords: { latitude: 20.6, longitude: -103.3 } }] };
    const batch = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
    expect({ status: batch.status, body: await batch.text() }).toEqual({ status: 200, body: 'not stored: missing or invalid timestamp' });
    expect((await fetch(url(`?${encodeOsmAndQuery(id, { time: later, lat: SPOTS[0].lat, lon: SPOTS[0].lon })}`))).status).toBe(200);
    expect((await rowsOf(t, id)).map((r) => r.ts)).toEqual([later.toISOString()]);
    const rejected = (await t.api('GET', '/api/health')).body.ingest.rejectedByReason;
    expect(rejected).toMatchObject({ 'missing lat/lon': 1, 'missing or invalid timestamp': 1 });
  });

  it('stores the readable locations of a JSON batch and refuses only the unreadable one, with its reason', async () => {
    const id = 'traccar-client-batch';
    await t.createDevice(id);
    const times = recentTimes(3);
    const batch = JSON.parse(encodeOsmAndJson(id, times.map((time, i) => ({ time, lat: SPOTS[i].lat, lon: SPOTS[i].lon }))));
    batch.location.splice(1, 0, { timestamp: times[1].toISOString(), coords: { latitude: 'x', longitude: 1 } });
    const res = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 200, body: 'stored 3; not stored: missing or invalid coordinates' });
    expect((await rowsOf(t, id)).map((r) => r.ts)).toEqual(times.map((x) => x.toISOString()));
    expect((await t.api('GET', '/api/health')).body.ingest.rejectedByReason['missing or invalid coordinates']).toBe(1);
  });

  it('two reports of one device in flight at once each add their own leg to the driven distance', async () => {
    const id = 'traccar-client-race';
    await t.createDevice(id);
    const times = recentTimes(3, 60);
    // 0.01° of latitude apart: about 1.1 km a leg, driven at ~67 km/h.
    const at = (i: number) => ({ time: times[i], lat: 20.65 + i * 0.01, lon: -103.35, speedKph: 60 });
    expect((await fetch(url(`?${encodeOsmAndQuery(id, at(0))}`))).status).toBe(200);
    const both = await Promise.all([1, 2].map((i) => fetch(url(`?${encodeOsmAndQuery(id, at(i))}`))));
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const legs = (await rowsOf(t, id)).map((r) => (r as unknown as { segmentM: number | null }).segmentM);
    expect(legs[0]).toBeNull();
    for (const leg of legs.slice(1)) expect(leg).toBeCloseTo(1112, -1);
  });

  it('refuses a fix whose altitude no database column can hold, with that reason, and stores the next', async () => {
    const id = 'traccar-client-3';
    await t.createDevice(id);
    const [bad, good] = recentTimes(2);
    const huge = await fetch(url(`?${encodeOsmAndQuery(id, { time: bad, lat: SPOTS[0].lat, lon: SPOTS[0].lon })}&altitude=-1e300`));
    // Consumed, not failed: the app must not resend it forever.
    expect(huge.status).toBe(200);
    expect((await fetch(url(`?${encodeOsmAndQuery(id, { time: good, lat: SPOTS[1].lat, lon: SPOTS[1].lon })}&altitude=1560`))).status).toBe(200);
    expect((await rowsOf(t, id)).map((r) => r.ts)).toEqual([good.toISOString()]);
    const ingest = (await t.api('GET', '/api/health')).body.ingest;
    expect(Object.keys(ingest.rejectedByReason).some((reason) => /^altitudeM .* beyond what can be stored$/.test(reason))).toBe(true);
    expect(ingest.writer.refusedRows).toBe(0);
  });

  it('refuses an id the database cannot hold as unknown, not as a failure to retry, and lists it', async () => {
    const nul = await fetch(url(`?id=ghost%00phone&lat=${SPOTS[0].lat}&lon=${SPOTS[0].lon}`));
    expect(nul.status).toBe(404);
    expect((await unknownDevices(t)).find((d) => d.uniqueId === 'ghost\uFFFDphone')).toMatchObject({ protocol: 'osmand', count: 1 });
  });
});
