import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeGt06Ack,
  encodeGt06Login,
  encodeGt06Position,
  encodeOsmAndQuery,
  encodeTeltonikaAck,
  encodeTeltonikaImei,
  encodeTeltonikaTcpPacket,
  GT06_PROTOCOL,
  TELTONIKA_CODEC,
} from '../../../device-protocols/index.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts';
import { recentTimes, rowsOf, SPOTS } from './testing/fixes.ts';
import { RawTcp } from './testing/raw-tcp.ts';
import { until } from '../../../test/support/until.ts';

let db: TestDatabase | undefined;
let t: TestServer | undefined;
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

const GT06_IMEI = '359710040000010';
const TELTONIKA_IMEI = '352093081452260';
const PHONE = 'traccar-client-10';

describe('ACK only after commit (SPEC §2)', () => {
  it('sends no ACK for records received but not committed when the server stops, stores nothing, and stores the resend once', async () => {
    db = await createTestDatabase();
    t = await startTestServer({}, db);
    for (const id of [GT06_IMEI, TELTONIKA_IMEI, PHONE]) await t.createDevice(id);
    const [time] = recentTimes(1);
    const gt06Login = encodeGt06Login(GT06_IMEI, 1);
    const gt06Position = encodeGt06Position({ time, lat: SPOTS[0].lat, lon: SPOTS[0].lon, valid: true, speedKph: 20, courseDeg: 10, satellites: 8 }, 2);
    const avl = encodeTeltonikaTcpPacket(TELTONIKA_CODEC.codec8, [
      { timestampMs: time.getTime(), priority: 0, lat: SPOTS[1].lat, lon: SPOTS[1].lon, altitudeM: 1500, angleDeg: 0, satellites: 9, speedKph: 20, eventIoId: 0, io: [] },
    ]);
    const phoneQuery = encodeOsmAndQuery(PHONE, { time, lat: SPOTS[2].lat, lon: SPOTS[2].lon });

    // A database that receives every write and commits none, as when its disk is full: the same on PGlite and PostgreSQL.
    // (Not a constraint: a row the database refuses for what it holds is reported as refused, not retried.)
    await sql`create function ronda_test_disk_full() returns trigger language plpgsql as $$
      begin raise exception 'no space left on device' using errcode = 'disk_full'; end $$`.execute(t.server.dbh.db);
    await sql`create trigger ronda_test_refuse_writes before insert on positions for each statement execute function ronda_test_disk_full()`.execute(t.server.dbh.db);

    const gt06 = await RawTcp.connect(t.server.ports.gt06);
    gt06.write(gt06Login);
    expect(await gt06.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.login, 1));
    const teltonika = await RawTcp.connect(t.server.ports.teltonika);
    teltonika.write(encodeTeltonikaImei(TELTONIKA_IMEI));
    expect(await teltonika.take(1)).toEqual(Uint8Array.of(0x01));

    gt06.write(gt06Position);
    teltonika.write(avl);
    const phoneAnswer = fetch(`http://127.0.0.1:${t.server.ports.osmand}/?${phoneQuery}`).then(
      (r) => r.status,
      () => 'no answer',
    );
    const server = t.server;
    await until('all three records to reach the writer and fail to commit', () => server.writer.getStats().queuedRows === 3 && server.writer.getStats().failures > 0);

    await t.close();
    t = undefined;
    await Promise.all([gt06.closed, teltonika.closed]);
    expect(gt06.rest()).toEqual(new Uint8Array(0));
    expect(teltonika.rest()).toEqual(new Uint8Array(0));
    expect(await phoneAnswer).toBe('no answer');

    // Restarted on the same data: nothing of the above was stored; the devices resend and get their ACKs.
    t = await startTestServer({}, db);
    for (const id of [GT06_IMEI, TELTONIKA_IMEI, PHONE]) expect(await rowsOf(t, id)).toEqual([]);
    await sql`drop trigger ronda_test_refuse_writes on positions`.execute(t.server.dbh.db);

    for (let attempt = 0; attempt < 2; attempt++) {
      const g = await RawTcp.connect(t.server.ports.gt06);
      g.write(gt06Login, gt06Position);
      expect(await g.take(20)).toEqual(Uint8Array.from([...encodeGt06Ack(GT06_PROTOCOL.login, 1), ...encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 2)]));
      const tl = await RawTcp.connect(t.server.ports.teltonika);
      tl.write(encodeTeltonikaImei(TELTONIKA_IMEI), avl);
      expect(await tl.take(5)).toEqual(Uint8Array.from([0x01, ...encodeTeltonikaAck(1)]));
      expect((await fetch(`http://127.0.0.1:${t.server.ports.osmand}/?${phoneQuery}`)).status).toBe(200);
      await Promise.all([g.end(), tl.end()]);
    }
    expect((await rowsOf(t, GT06_IMEI)).map((r) => [r.ts, r.lat, r.lon])).toEqual([[time.toISOString(), SPOTS[0].lat, SPOTS[0].lon]]);
    expect((await rowsOf(t, TELTONIKA_IMEI)).map((r) => [r.ts, r.lat, r.lon])).toEqual([[time.toISOString(), SPOTS[1].lat, SPOTS[1].lon]]);
    expect((await rowsOf(t, PHONE)).map((r) => [r.ts, r.lat, r.lon])).toEqual([[time.toISOString(), SPOTS[2].lat, SPOTS[2].lon]]);
    // Two server starts: on a loaded 2-core machine each can take half a minute.
  }, 120_000);
});
