import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevicesUsed } from '../contract/device.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { createCollector, createTeam, loginAs } from '../operations/testing/fixtures.ts';

/**
 * The replay's device picker: the devices that reported for a collector on a day, though one was
 * handed to someone else since. On the first day Ana carries the tracker; the next it is Beto's, and Ana has a phone.
 */
let t: TestServer;
let ana: number;
let beto: number;
/** Logins by who they are. */
const as: Record<'centro' | 'poniente' | 'teamless' | 'betoCollector', string> = {} as never;

const MONDAY = '2026-11-02';
const TUESDAY = '2026-11-03';
/** `hh:mm` UTC on `day`. */
const at = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00Z`);
/** A UTC day as the replay asks for one: [its midnight, the next). */
const dayOf = (day: string) => `from=${at(day, '00:00').toISOString()}&to=${new Date(at(day, '00:00').getTime() + 86_400_000).toISOString()}`;

/** Fixes sent by the device for whoever holds it now, as the ingest stamps them. */
async function fixes(uniqueId: string, times: Date[]) {
  const dev = await t.server.dbh.db.selectFrom('devices').select(['id', 'collector_id']).where('unique_id', '=', uniqueId).executeTakeFirstOrThrow();
  const r = await t.server.ingest.submitPositions(
    { deviceId: dev.id, uniqueId, collectorId: dev.collector_id },
    'mqtt',
    times.map((fixTime, i) => ({ kind: 'position' as const, fixTime, lat: 20.6767 + i * 1e-4, lon: -103.3475, valid: true, attributes: {} })),
  );
  expect(r.stored).toBe(times.length);
}

const used = async (collectorId: number, day: string, token = t.token) => {
  const r = await t.api<DevicesUsed>('GET', `/api/collectors/${collectorId}/devices-used?${dayOf(day)}`, undefined, token);
  return r.status === 200 ? r.body.devices : r.status;
};
const names = async (collectorId: number, day: string, token = t.token) => {
  const devices = await used(collectorId, day, token);
  return typeof devices === 'number' ? devices : devices.map((d) => d.uniqueId);
};

beforeAll(async () => {
  t = await startTestServer();
  const centro = await createTeam(t, 'Centro');
  const poniente = await createTeam(t, 'Poniente');
  ana = await createCollector(t, 'Ana', centro);
  beto = await createCollector(t, 'Beto', centro);
  await t.createDevice('tracker-7', ana);
  await fixes('tracker-7', [at(MONDAY, '15:00'), at(MONDAY, '15:30'), at(MONDAY, '16:00')]);
  expect((await t.api('PATCH', '/api/devices/tracker-7', { collectorId: beto })).status).toBe(200);
  await t.createDevice('ana-phone', ana);
  await fixes('tracker-7', [at(TUESDAY, '15:00'), at(TUESDAY, '15:10')]);
  await fixes('ana-phone', [at(TUESDAY, '15:05')]);
  as.centro = await loginAs(t, 'supervisor', centro);
  as.poniente = await loginAs(t, 'supervisor', poniente);
  as.teamless = await loginAs(t, 'supervisor', null);
  await t.server.auth.createUser({ email: 'beto@test.local', name: 'Beto', password: 'pw-123456', role: 'collector', teamId: centro, collectorId: beto });
  as.betoCollector = (await t.api('POST', '/api/auth/login', { email: 'beto@test.local', password: 'pw-123456' }, null)).body.token;
});
afterAll(async () => t?.close());

describe('GET /api/collectors/{id}/devices-used', () => {
  it("lists the device a collector carried that day though it was handed on since, for them and not for its new holder", async () => {
    expect(await used(ana, MONDAY, as.centro)).toEqual([{ uniqueId: 'tracker-7', protocol: null, firstTs: '2026-11-02T15:00:00.000Z', lastTs: '2026-11-02T16:00:00.000Z' }]);
    expect(await names(beto, MONDAY, as.centro), 'Beto did not have it yet').toEqual([]);
    expect(await names(beto, TUESDAY, as.centro)).toEqual(['tracker-7']);
    // Ana's tracker is Beto's now: her Tuesday is her phone's alone.
    expect(await names(ana, TUESDAY, as.centro)).toEqual(['ana-phone']);
  });

  it('puts the device that reported last that day first', async () => {
    const wednesday = '2026-11-04';
    await fixes('tracker-7', [at(wednesday, '14:00')]);
    expect((await t.api('PATCH', '/api/devices/tracker-7', { collectorId: ana })).status).toBe(200);
    await fixes('tracker-7', [at(wednesday, '18:00')]);
    await fixes('ana-phone', [at(wednesday, '17:00')]);
    expect(await used(ana, wednesday)).toMatchObject([
      { uniqueId: 'tracker-7', firstTs: '2026-11-04T18:00:00.000Z', lastTs: '2026-11-04T18:00:00.000Z' },
      { uniqueId: 'ana-phone', lastTs: '2026-11-04T17:00:00.000Z' },
    ]);
    expect(await names(beto, wednesday)).toEqual(['tracker-7']);
  });

  it("is refused, as an unknown collector, to another team's supervisor, one of no team and a teammate", async () => {
    const unknown = { status: 404, body: { reason: 'collector_not_found', values: { collectorId: ana } } };
    for (const token of [as.poniente, as.teamless, as.betoCollector]) {
      expect(await t.api('GET', `/api/collectors/${ana}/devices-used?${dayOf(MONDAY)}`, undefined, token)).toMatchObject(unknown);
    }
    expect(await t.api('GET', `/api/collectors/999999/devices-used?${dayOf(MONDAY)}`)).toMatchObject({ status: 404, body: { reason: 'collector_not_found' } });
    expect(await names(beto, TUESDAY, as.betoCollector), 'a collector reads their own').toEqual(['tracker-7']);
  });

  it('takes a range in order, and without one the last 24 hours', async () => {
    const reversed = await t.api('GET', `/api/collectors/${ana}/devices-used?from=2026-11-03T00:00:00Z&to=2026-11-02T00:00:00Z`);
    expect(reversed).toMatchObject({ status: 400, body: { reason: 'invalid_request' } });
    expect(await t.api('GET', `/api/collectors/${ana}/devices-used?from=yesterday`)).toMatchObject({ status: 400, body: { reason: 'invalid_request' } });
    // Those days are long gone.
    expect(await t.api('GET', `/api/collectors/${ana}/devices-used`)).toEqual({ status: 200, body: { devices: [] } });
  });
});
