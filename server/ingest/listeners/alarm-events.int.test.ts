import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeGt06Ack,
  encodeGt06Alarm,
  encodeGt06Login,
  encodeGt06Position,
  encodeH02Position,
  encodeOsmAndQuery,
  encodeTeltonikaAck,
  encodeTeltonikaImei,
  encodeTeltonikaTcpPacket,
  GT06_PROTOCOL,
  TELTONIKA_CODEC,
  type Gt06Fix,
  type Gt06Status,
} from '../../../device-protocols/index.ts';
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts';
import { until } from '../../../test/support/until.ts';
import type { EventOut } from '../../contract/event.ts';
import { LIVE_PATH, type LiveSnapshot } from '../../contract/live.ts';
import { createCollector, createTeam, loginAs } from '../../operations/testing/fixtures.ts';
import { H02_SPOTS, recentTimes, rowsOf, SPOTS } from './testing/fixes.ts';
import { RawTcp } from './testing/raw-tcp.ts';

/**
 * Device alarms (SPEC §7 "alerts") through the real listeners: binary GT06 frames over TCP and
 * OsmAnd requests over HTTP become `alarm` events, listed by GET /api/events in the collector's
 * team and streamed to that team's room on /live; whatever became of the alarm's fix (the
 * default FILTER_INVALID refuses one without GPS lock), and once however often the tracker resends.
 */

let t: TestServer;
let teamId: number;
let otherTeamId: number;
let supervisor: string;
let otherSupervisor: string;
let wall: Socket;
let otherWall: Socket;
const onWall: EventOut[] = [];
const onOtherWall: EventOut[] = [];
let imeis = 0;

const STATUS: Gt06Status = { armed: false, ignition: true, charging: false, gpsTracking: true, fuelCut: false, voltageLevel: 4, gsmSignal: 3 };
const SOS = 0x01;

function fix(time: Date, spot: { lat: number; lon: number }, valid = true): Gt06Fix {
  return { time, lat: spot.lat, lon: spot.lon, valid, speedKph: 0, courseDeg: 90, satellites: valid ? 9 : 0 };
}

async function wallOf(token: string, seen: EventOut[]): Promise<{ socket: Socket; snapshot: LiveSnapshot }> {
  const socket = io(t.baseUrl, { path: LIVE_PATH, auth: { token }, transports: ['websocket'] });
  socket.on('event', (e: EventOut) => seen.push(e));
  const snapshot = await new Promise<LiveSnapshot>((resolve) => socket.once('snapshot', resolve));
  return { socket, snapshot };
}

/** A tracker of its own, carried by a new collector of the team. */
async function tracker(name: string): Promise<{ imei: string; collectorId: number }> {
  const collectorId = await createCollector(t, name, teamId);
  const imei = `35971004100${String(++imeis).padStart(4, '0')}`;
  await t.createDevice(imei, collectorId);
  return { imei, collectorId };
}

async function gt06(imei: string): Promise<RawTcp> {
  const c = await RawTcp.connect(t.server.ports.gt06);
  c.write(encodeGt06Login(imei, 1));
  expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.login, 1));
  return c;
}

async function alarmsOf(collectorId: number, token = supervisor): Promise<EventOut[]> {
  const r = await t.api('GET', `/api/events?type=alarm&collectorId=${collectorId}`, undefined, token);
  expect(r.status).toBe(200);
  return r.body.events;
}

const health = async () => (await t.api('GET', '/api/health')).body.ingest;

beforeAll(async () => {
  t = await startTestServer();
  teamId = await createTeam(t, 'Centro');
  otherTeamId = await createTeam(t, 'Norte');
  supervisor = await loginAs(t, 'supervisor', teamId, 'Sara Supervisora');
  otherSupervisor = await loginAs(t, 'supervisor', otherTeamId, 'Otro Supervisor');
  wall = (await wallOf(supervisor, onWall)).socket;
  otherWall = (await wallOf(otherSupervisor, onOtherWall)).socket;
});

afterAll(async () => {
  wall?.close();
  otherWall?.close();
  await t?.close();
});

describe('device alarms become events', () => {
  it("a GT06 SOS with a valid fix: a critical event at the fix, in the team's list and room only, open until a supervisor acknowledges it", async () => {
    const { imei, collectorId } = await tracker('Ana García');
    const [time] = recentTimes(1);
    const c = await gt06(imei);
    c.write(encodeGt06Alarm(fix(time, SPOTS[0]), STATUS, SOS, 2));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.alarm, 2));
    await c.end();

    // Acknowledged only once stored: the event is there as soon as the ACK is.
    const [event] = await alarmsOf(collectorId);
    expect(event).toMatchObject({
      type: 'alarm',
      severity: 'critical',
      teamId,
      collectorId,
      visitId: null,
      openedAt: time.toISOString(),
      closedAt: null,
      acknowledgedBy: null,
    });
    expect(event.details).toEqual({
      kind: 'sos',
      deviceAlarm: 'sos',
      deviceId: expect.any(Number),
      uniqueId: imei,
      protocol: 'gt06',
      deviceTime: time.toISOString(),
      timeSource: 'device',
      position: 'fix',
      lat: SPOTS[0].lat,
      lon: SPOTS[0].lon,
    });
    // The fix itself is stored as a position too, named by its alarm.
    expect((await rowsOf(t, imei)).map((r) => [r.ts, r.attributes.alarm])).toEqual([[time.toISOString(), 'sos']]);

    expect(await until('the SOS on the team wall', () => onWall.find((e) => e.id === event.id))).toEqual(event);
    expect(await alarmsOf(collectorId, otherSupervisor)).toEqual([]);
    expect((await t.api('GET', `/api/events?open=true`, undefined, supervisor)).body.events.map((e: EventOut) => e.id)).toContain(event.id);

    const acked = await t.api('POST', `/api/events/${event.id}/ack`, undefined, supervisor);
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ id: event.id, acknowledgedBy: 'Sara Supervisora (supervisor)', closedAt: expect.any(String) });
    await until('the acknowledged SOS on the wall', () => onWall.find((e) => e.id === event.id && e.closedAt !== null));
    expect((await t.api('GET', `/api/events?open=true`, undefined, supervisor)).body.events.map((e: EventOut) => e.id)).not.toContain(event.id);
    expect(onOtherWall.find((e) => e.id === event.id)).toBeUndefined();
  });

  it("a GT06 SOS without GPS lock: the fix is refused (FILTER_INVALID), the event kept at the collector's last known position", async () => {
    const { imei, collectorId } = await tracker('Beto Ruiz');
    const [before, at] = recentTimes(2);
    const c = await gt06(imei);
    c.write(encodeGt06Position(fix(before, SPOTS[1]), 2));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 2));
    const rejected = (await health()).rejectedByReason['invalid fix (no GPS lock)'] ?? 0;
    c.write(encodeGt06Alarm(fix(at, SPOTS[2], false), STATUS, SOS, 3));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.alarm, 3));
    await c.end();

    expect((await rowsOf(t, imei)).map((r) => r.ts)).toEqual([before.toISOString()]);
    expect((await health()).rejectedByReason['invalid fix (no GPS lock)']).toBe(rejected + 1);
    const [event] = await alarmsOf(collectorId);
    expect(event).toMatchObject({ severity: 'critical', openedAt: at.toISOString(), closedAt: null });
    expect(event.details).toMatchObject({
      kind: 'sos',
      timeSource: 'device',
      position: 'last_known',
      lat: SPOTS[1].lat,
      lon: SPOTS[1].lon,
      positionAt: before.toISOString(),
    });
    await until('the SOS on the team wall', () => onWall.find((e) => e.id === event.id));
    // Not acknowledged yet: a wall that connects now gets it in its snapshot (SPEC §7).
    const late = await wallOf(supervisor, []);
    late.socket.close();
    expect(late.snapshot.events?.map((e) => e.id)).toContain(event.id);
  });

  it("a GT06 SOS from a clock an hour ahead, from a collector never seen before: opened at the server's time, with no position", async () => {
    const { imei, collectorId } = await tracker('Elena Soto');
    const ahead = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    const c = await gt06(imei);
    const sentAt = Date.now();
    c.write(encodeGt06Alarm(fix(ahead, SPOTS[0]), STATUS, SOS, 2));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.alarm, 2));
    await c.end();

    expect(await rowsOf(t, imei)).toEqual([]);
    const [event] = await alarmsOf(collectorId);
    expect(Date.parse(event.openedAt)).toBeGreaterThanOrEqual(sentAt - 1000);
    expect(Date.parse(event.openedAt)).toBeLessThanOrEqual(Date.now());
    expect(event).toMatchObject({ severity: 'critical', closedAt: null });
    expect(event.details).toMatchObject({ kind: 'sos', deviceTime: null, timeSource: 'server', position: 'none' });
    expect(event.details).not.toHaveProperty('lat');
  });

  it('a resent alarm frame, on the same connection and after a reconnect, is one event', async () => {
    const { imei, collectorId } = await tracker('Carla Méndez');
    const [time] = recentTimes(1);
    const frame = encodeGt06Alarm(fix(time, SPOTS[3]), STATUS, 0x02, 7);
    const before = (await health()).alarms;
    const c = await gt06(imei);
    c.write(frame);
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.alarm, 7));
    c.write(frame);
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.alarm, 7));
    await c.end();
    const again = await gt06(imei);
    again.write(frame);
    expect(await again.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.alarm, 7));
    await again.end();

    const events = await alarmsOf(collectorId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ severity: 'critical', details: { kind: 'power_cut', deviceAlarm: 'powerCut' } });
    expect((await health()).alarms).toMatchObject({ received: before.received + 3, opened: before.opened + 1, resent: before.resent + 2 });
    await until('the power cut on the wall', () => onWall.find((e) => e.id === events[0].id));
    expect(onWall.filter((e) => e.collectorId === collectorId)).toHaveLength(1);
  });

  it('an OsmAnd (Traccar Client) request with alarm= is an event of its kind, answered 200 once stored', async () => {
    const collectorId = await createCollector(t, 'Diana Flores', teamId);
    const id = 'traccar-client-alarm';
    await t.createDevice(id, collectorId);
    const [sosAt, vibrationAt] = recentTimes(2);
    const send = (time: Date, alarm: string) => fetch(`http://127.0.0.1:${t.server.ports.osmand}/?${encodeOsmAndQuery(id, { time, lat: SPOTS[0].lat, lon: SPOTS[0].lon })}&alarm=${alarm}`);
    expect((await send(sosAt, 'sos')).status).toBe(200);
    expect((await send(vibrationAt, 'vibration')).status).toBe(200);

    const events = await alarmsOf(collectorId);
    expect(events.map((e) => [e.openedAt, e.severity, e.details.kind, e.details.protocol, e.details.position])).toEqual([
      [vibrationAt.toISOString(), 'info', 'vibration', 'osmand', 'fix'],
      [sosAt.toISOString(), 'critical', 'sos', 'osmand', 'fix'],
    ]);
    // The SOS waits for a supervisor; the vibration is history, closed as it arrived.
    expect(events.map((e) => e.closedAt)).toEqual([vibrationAt.toISOString(), null]);
    await until('both alarms streamed', () => events.every((e) => onWall.some((w) => w.id === e.id)));
  });

  it("a Traccar Client JSON body's alarm, merged into the location or left in its extras, is an event of its kind too", async () => {
    const collectorId = await createCollector(t, 'Irene Vega', teamId);
    const id = 'traccar-client-json-alarm';
    await t.createDevice(id, collectorId);
    const [sosAt, overspeedAt, plainAt] = recentTimes(3);
    // The app's location template (traccar-client lib/preferences.dart); its SOS button asks for a fix with
    // extras { alarm: 'sos' }, which the geolocation plugin merges into the location.
    const location = (time: Date, spot: { lat: number; lon: number }, more: Record<string, unknown>) => ({
      timestamp: time.toISOString(),
      coords: { latitude: spot.lat, longitude: spot.lon, accuracy: 5, speed: 0, heading: -1, altitude: 1560 },
      is_moving: false,
      odometer: 0,
      event: 'motionchange',
      battery: { level: 0.8, is_charging: false },
      activity: { type: 'still' },
      extras: {},
      ...more,
    });
    const post = (body: unknown) =>
      fetch(`http://127.0.0.1:${t.server.ports.osmand}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ device_id: id, location: location(sosAt, SPOTS[0], { alarm: 'sos' }) })).status).toBe(200);
    // Buffered while offline, then posted as one batch: only the fix that carried an alarm raises one.
    const batch = [location(overspeedAt, SPOTS[1], { extras: { alarm: 'overspeed' } }), location(plainAt, SPOTS[2], {})];
    expect((await post({ device_id: id, location: batch })).status).toBe(200);

    const events = await alarmsOf(collectorId);
    expect(events.map((e) => [e.openedAt, e.severity, e.details.kind, e.details.deviceAlarm, e.details.protocol, e.details.position, e.details.lat])).toEqual([
      [overspeedAt.toISOString(), 'warning', 'overspeed', 'overspeed', 'osmand', 'fix', SPOTS[1].lat],
      [sosAt.toISOString(), 'critical', 'sos', 'sos', 'osmand', 'fix', SPOTS[0].lat],
    ]);
    expect((await rowsOf(t, id)).map((r) => [r.ts, r.attributes.alarm])).toEqual([
      [sosAt.toISOString(), 'sos'],
      [overspeedAt.toISOString(), 'overspeed'],
      [plainAt.toISOString(), undefined],
    ]);
    await until('both alarms streamed', () => events.every((e) => onWall.some((w) => w.id === e.id)));
  });

  it("an H02 status word's SOS bit and a Teltonika panic record are SOS events too", async () => {
    const h02 = await createCollector(t, 'Fausto Gil', teamId);
    const h02Id = '4209917299';
    await t.createDevice(h02Id, h02);
    const teltonika = await createCollector(t, 'Gabriela Paz', teamId);
    const teltonikaImei = '352093081459999';
    await t.createDevice(teltonikaImei, teltonika);
    const [time] = recentTimes(1);

    // H02 sends no ACK: the frame is stored when it is read. Bit 1 at 0 (negative logic) is SOS.
    const h = await RawTcp.connect(t.server.ports.h02);
    h.write(encodeH02Position(h02Id, { time, lat: H02_SPOTS[0].lat, lon: H02_SPOTS[0].lon, valid: true, speedKph: 0, courseDeg: 0, status: 0xfffffbfd }));
    const [fromH02] = await until('the H02 SOS', async () => {
      const events = await alarmsOf(h02);
      return events.length > 0 && events;
    });
    await h.end();
    expect(fromH02).toMatchObject({ severity: 'critical', openedAt: time.toISOString(), details: { kind: 'sos', deviceAlarm: 'sos', protocol: 'h02', position: 'fix', lat: H02_SPOTS[0].lat, lon: H02_SPOTS[0].lon } });

    const c = await RawTcp.connect(t.server.ports.teltonika);
    c.write(encodeTeltonikaImei(teltonikaImei));
    expect(await c.take(1)).toEqual(Uint8Array.of(0x01));
    const panic = { timestampMs: time.getTime(), priority: 2 as const, lat: SPOTS[1].lat, lon: SPOTS[1].lon, altitudeM: 1560, angleDeg: 0, satellites: 11, speedKph: 0, eventIoId: 0, io: [] };
    c.write(encodeTeltonikaTcpPacket(TELTONIKA_CODEC.codec8, [panic]));
    expect(await c.take(4)).toEqual(encodeTeltonikaAck(1));
    await c.end();
    expect(await alarmsOf(teltonika)).toMatchObject([{ severity: 'critical', openedAt: time.toISOString(), details: { kind: 'sos', deviceAlarm: 'panic', protocol: 'teltonika', position: 'fix' } }]);
  });

  it('an alarm from a device with no collector is acknowledged, logged and counted, with no event', async () => {
    const imei = '359710041009999';
    await t.createDevice(imei, null);
    const before = (await health()).alarms.unassigned;
    const [time] = recentTimes(1);
    const c = await gt06(imei);
    c.write(encodeGt06Alarm(fix(time, SPOTS[0]), STATUS, SOS, 2));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.alarm, 2));
    await c.end();
    expect((await health()).alarms.unassigned).toBe(before + 1);
    expect((await t.api('GET', '/api/events?type=alarm')).body.events.some((e: EventOut) => e.details.uniqueId === imei)).toBe(false);
    // Its fix is still on record, named by its alarm.
    expect((await rowsOf(t, imei)).map((r) => r.attributes.alarm)).toEqual(['sos']);
  });
});
