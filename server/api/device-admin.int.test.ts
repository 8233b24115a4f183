import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { until } from '../../test/support/until.ts';
import { planTopic } from '../ingest/mqtt-topics.ts';
import { createCollector, createTeam, loginAs } from '../operations/testing/fixtures.ts';

/** SPEC §5/§6: devices after registration — handed out, renamed, disabled, given a new token. */
let t: TestServer;
let centro: number;
let poniente: number;
let ana: number;
let beto: number;
let carla: number;
let supCentro: string;
let supPoniente: string;
const tokens = new Map<string, string>();

beforeAll(async () => {
  t = await startTestServer();
  centro = await createTeam(t, 'Centro');
  poniente = await createTeam(t, 'Poniente');
  ana = await createCollector(t, 'Ana', centro);
  beto = await createCollector(t, 'Beto', centro);
  carla = await createCollector(t, 'Carla', poniente);
  for (const [id, collector] of [['pool-phone', null], ['ana-phone', ana], ['carla-phone', carla], ['hand-phone', ana], ['key-phone', ana], ['off-phone', ana], ['plan-phone', ana]] as const) {
    tokens.set(id, (await t.createDevice(id, collector)).token);
  }
  supCentro = await loginAs(t, 'supervisor', centro, 'Sup Centro');
  supPoniente = await loginAs(t, 'supervisor', poniente, 'Sup Poniente');
}, 120_000);
afterAll(async () => t?.close());

const patch = (uniqueId: string, body: unknown, token?: string) => t.api<{ collectorId: number | null; name: string; active: boolean; message: string }>('PATCH', `/api/devices/${uniqueId}`, body, token);
const connect = (uniqueId: string, password = tokens.get(uniqueId)!) =>
  mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: uniqueId, password, clientId: `${uniqueId}-${Math.random().toString(36).slice(2)}`, reconnectPeriod: 0 });
const refused = (uniqueId: string, password?: string) =>
  connect(uniqueId, password).then(
    async (c: MqttClient) => (await c.endAsync(), null),
    (e: Error & { code?: number }) => e.code ?? e.message,
  );
const closedSignal = (c: MqttClient) => new Promise<void>((resolve) => c.once('close', () => resolve()));
const position = (c: MqttClient, uniqueId: string, ageS: number) =>
  c.publishAsync(`ronda/${uniqueId}/position`, JSON.stringify({ ts: Date.now() - ageS * 1000, lat: 20.67 + ageS * 1e-5, lon: -103.35 }), { qos: 1 });
const rowsOf = async (uniqueId: string) =>
  t.server.dbh.db
    .selectFrom('positions')
    .innerJoin('devices', 'devices.id', 'positions.device_id')
    .select(['positions.collector_id', 'positions.device_time'])
    .where('devices.unique_id', '=', uniqueId)
    .orderBy('positions.device_time')
    .execute();
const osmand = (uniqueId: string) =>
  fetch(`http://127.0.0.1:${t.server.ports.osmand}/?id=${uniqueId}&lat=20.6701&lon=-103.3501&timestamp=${Math.floor(Date.now() / 1000) - 30}`);
const unknownIdsOf = async (token: string) => {
  const res = await t.api<{ devices: { uniqueId: string }[] }>('GET', '/api/devices/unknown', undefined, token);
  if (res.status !== 200) throw new Error(`GET /api/devices/unknown: ${res.status}`);
  return res.body.devices.map((d) => d.uniqueId);
};
const unknownIds = () => unknownIdsOf(t.token);

describe('PATCH /api/devices/{uniqueId}', () => {
  it("hands a device registered to no one to a collector of the supervisor's own team, and back to the pool", async () => {
    const listed = await t.api<{ devices: { uniqueId: string; collectorId: number | null; active: boolean }[] }>('GET', '/api/devices', undefined, supPoniente);
    expect(listed.body.devices.find((d) => d.uniqueId === 'pool-phone')).toMatchObject({ collectorId: null, active: true });

    expect((await patch('pool-phone', { collectorId: carla }, supCentro)).status).toBe(404);
    const handed = await patch('pool-phone', { collectorId: ana }, supCentro);
    expect(handed.status).toBe(200);
    expect(handed.body).toMatchObject({ uniqueId: 'pool-phone', collectorId: ana, active: true });
    // Now Centro's: Poniente no longer sees it.
    expect((await patch('pool-phone', { collectorId: carla }, supPoniente)).status).toBe(404);
    expect((await t.api<{ devices: { uniqueId: string }[] }>('GET', '/api/devices', undefined, supPoniente)).body.devices.map((d) => d.uniqueId)).not.toContain('pool-phone');

    expect((await patch('pool-phone', { collectorId: null }, supCentro)).body).toMatchObject({ collectorId: null });
    expect((await patch('pool-phone', { collectorId: carla }, supPoniente)).body).toMatchObject({ collectorId: carla });
    // An admin hands out across teams.
    expect((await patch('pool-phone', { collectorId: beto })).body).toMatchObject({ collectorId: beto });
  });

  it("renames; refuses another team's device or collector, other roles, an unknown device and an empty change", async () => {
    expect((await patch('ana-phone', { name: 'Teléfono de Ana' }, supCentro)).body).toMatchObject({ name: 'Teléfono de Ana', collectorId: ana });
    expect((await patch('carla-phone', { name: 'Mío' }, supCentro)).status).toBe(404);
    expect((await patch('ana-phone', { collectorId: carla }, supCentro)).status).toBe(404);
    expect((await patch('ana-phone', { collectorId: 999999 })).status).toBe(404);
    expect((await patch('no-such-phone', { name: 'X' })).status).toBe(404);
    expect((await patch('ana-phone', {})).status).toBe(400);
    expect((await patch('ana-phone', { token_hash: 'x' })).status).toBe(400);
    expect((await patch('ana-phone', { name: 'X' }, await loginAs(t, 'dispatcher', centro, 'Desp Centro'))).status).toBe(403);
  });

  it("a device handed over while connected: its next reports are the new collector's", async () => {
    const c = await connect('hand-phone');
    await position(c, 'hand-phone', 60);
    expect((await patch('hand-phone', { collectorId: beto }, supCentro)).status).toBe(200);
    await position(c, 'hand-phone', 30);
    await c.endAsync();
    expect((await rowsOf('hand-phone')).map((r) => r.collector_id)).toEqual([ana, beto]);
  });

  it('a disabled device is refused like an unknown one, at once, but not listed as unknown; enabled again, it reports', async () => {
    const c = await connect('off-phone');
    const closed = closedSignal(c);
    const off = await patch('off-phone', { active: false }, supCentro);
    expect(off.body).toMatchObject({ active: false, collectorId: ana });
    await closed;

    expect(await refused('off-phone')).toBe(4);
    expect((await osmand('off-phone')).status).toBe(404);
    expect(await rowsOf('off-phone')).toEqual([]);
    expect(await unknownIds()).not.toContain('off-phone');
    // Still listed among the devices, as disabled.
    expect((await t.api<{ devices: { uniqueId: string; active: boolean }[] }>('GET', '/api/devices', undefined, supCentro)).body.devices.find((d) => d.uniqueId === 'off-phone')).toMatchObject({ active: false });

    expect((await patch('off-phone', { active: true }, supCentro)).body).toMatchObject({ active: true });
    expect((await osmand('off-phone')).status).toBe(200);
    expect(await rowsOf('off-phone')).toHaveLength(1);
    const again = await connect('off-phone');
    await again.endAsync();
  });

  it("clears the retained plan of a device put back in the pool: the next holder's phone does not show the last collector's visits", async () => {
    await t.server.broker!.publishRetained(planTopic('plan-phone'), JSON.stringify({ collectorId: ana, visits: [{ visitId: 1 }] }));
    const retainedPlan = async () => {
      const c = await connect('plan-phone');
      const got: string[] = [];
      c.on('message', (_topic, payload) => got.push(payload.toString()));
      await c.subscribeAsync(planTopic('plan-phone'), { qos: 1 });
      await new Promise((r) => setTimeout(r, 300));
      await c.endAsync();
      return got;
    };
    expect(await retainedPlan()).toHaveLength(1);
    expect((await patch('plan-phone', { collectorId: null }, supCentro)).status).toBe(200);
    expect(await retainedPlan()).toEqual([]);
  });
});

describe('POST /api/devices/{uniqueId}/token', () => {
  it('gives a new token once; the old one stops working at once, connections made with it included', async () => {
    const old = tokens.get('key-phone')!;
    const c = await connect('key-phone', old);
    const closed = closedSignal(c);
    expect((await t.api('POST', '/api/devices/key-phone/token', undefined, supPoniente)).status).toBe(404);

    const rotated = await t.api<{ uniqueId: string; token: string; collectorId: number }>('POST', '/api/devices/key-phone/token', undefined, supCentro);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ uniqueId: 'key-phone', collectorId: ana });
    expect(rotated.body.token).not.toBe(old);
    await closed;

    expect(await refused('key-phone', old)).toBe(4);
    const fresh = await connect('key-phone', rotated.body.token);
    await position(fresh, 'key-phone', 10);
    await fresh.endAsync();
    expect(await rowsOf('key-phone')).toHaveLength(1);
    // The token is never listed.
    expect(JSON.stringify((await t.api('GET', '/api/devices')).body)).not.toContain(rotated.body.token);
  });

  it('a connection that outlived its token (another instance rotated it) is refused at its next publish', async () => {
    const c = await connect('ana-phone');
    const closed = closedSignal(c);
    // As another instance would: in the database, without this instance's routes.
    await t.server.dbh.db.updateTable('devices').set({ token_hash: 'f'.repeat(64) }).where('unique_id', '=', 'ana-phone').execute();
    t.server.registry.invalidate('ana-phone');
    c.publish('ronda/ana-phone/position', JSON.stringify({ ts: Date.now() - 5000, lat: 20.67, lon: -103.35 }), { qos: 1 });
    await closed;
    await until('nothing stored', async () => (await rowsOf('ana-phone')).length === 0);
  });
});

describe('GET /api/devices', () => {
  it('gives no device host without DEVICE_HOST: the devices page then shows its own host name', async () => {
    expect((await t.api('GET', '/api/devices', undefined, supCentro)).body.deviceHost).toBeNull();
  });

  it("gives each device's newest report and battery, null before its first: the devices page's last report", async () => {
    const { token } = await t.createDevice('seen-phone', ana);
    const reportOf = async () => (await t.api<{ devices: { uniqueId: string; lastReport?: unknown }[] }>('GET', '/api/devices', undefined, supCentro)).body.devices.find((d) => d.uniqueId === 'seen-phone')?.lastReport;
    expect(await reportOf()).toBeNull();
    const c = await connect('seen-phone', token);
    const ts = Date.now() - 20_000;
    await c.publishAsync('ronda/seen-phone/position', JSON.stringify({ ts: ts - 60_000, lat: 20.67, lon: -103.35, battery: 80 }), { qos: 1 });
    await c.publishAsync('ronda/seen-phone/position', JSON.stringify({ ts, lat: 20.671, lon: -103.35, battery: 77 }), { qos: 1 });
    await c.endAsync();
    await until('reported', async () => (await reportOf()) !== null);
    expect(await reportOf()).toEqual({ ts: new Date(ts).toISOString(), batteryPct: 77 });
  });
});

describe('GET /api/devices/unknown', () => {
  it('is read by a supervisor as by an admin, so a tracker can be set up from the id it sends; other roles are refused', async () => {
    expect(await refused('ghost-phone', 'any')).toBe(4);
    await until('listed', async () => (await unknownIds()).includes('ghost-phone'));
    for (const sup of [supCentro, supPoniente]) expect(await unknownIdsOf(sup)).toContain('ghost-phone');
    for (const role of ['dispatcher', 'manager', 'collector'] as const) {
      const res = await t.api('GET', '/api/devices/unknown', undefined, await loginAs(t, role, centro, `Unknown ${role}`));
      expect(res.status, role).toBe(403);
    }
  });

  it('leaves out an id registered since it was seen, for a supervisor who cannot see the team that holds it as for anyone', async () => {
    expect(await refused('late-phone', 'any')).toBe(4);
    await until('listed', async () => (await unknownIds()).includes('late-phone'));
    expect(await unknownIdsOf(supCentro)).toContain('late-phone');

    // Registered in Poniente since: as gone for Centro's supervisor, who does not see Poniente's devices, as for anyone.
    expect((await t.api('POST', '/api/devices', { uniqueId: 'late-phone', name: 'Late', collectorId: carla }, supPoniente)).status).toBe(201);
    for (const who of [t.token, supCentro, supPoniente]) expect(await unknownIdsOf(who)).not.toContain('late-phone');
  });
});

describe('refusals of the device routes', () => {
  type Refusal = { message: string; reason?: string; values?: Record<string, string | number> };

  it('each carry a reason code with what its words name; statuses and messages as before', async () => {
    const post = (body: Record<string, unknown>, token?: string) => t.api<Refusal>('POST', '/api/devices', body, token);
    expect(await post({ uniqueId: 'ana-phone', name: 'Otro' })).toMatchObject({
      status: 409,
      body: { message: 'a device with uniqueId ana-phone already exists', reason: 'unique_id_taken', values: { uniqueId: 'ana-phone' } },
    });
    // Another team's collector is as unknown to a supervisor as one that does not exist.
    for (const [collectorId, token] of [[999_999, t.token], [carla, supCentro]] as const) {
      expect(await post({ uniqueId: `nobody-${collectorId}`, name: 'X', collectorId }, token)).toMatchObject({
        status: 404,
        body: { message: `collector ${collectorId} does not exist`, reason: 'collector_not_found', values: { collectorId } },
      });
    }

    const nadie = { status: 404, body: { message: 'device no-such-phone does not exist', reason: 'device_not_found', values: { uniqueId: 'no-such-phone' } } };
    expect(await t.api<Refusal>('PATCH', '/api/devices/no-such-phone', { name: 'X' })).toMatchObject(nadie);
    expect(await t.api<Refusal>('POST', '/api/devices/no-such-phone/token')).toMatchObject(nadie);
    expect(await t.api<Refusal>('PATCH', '/api/devices/carla-phone', { name: 'Mío' }, supCentro)).toMatchObject({
      status: 404,
      body: { reason: 'device_not_found', values: { uniqueId: 'carla-phone' } },
    });
    expect(await t.api<Refusal>('GET', '/api/devices/no-such-phone/positions')).toMatchObject({
      status: 404,
      body: { message: 'no device no-such-phone', reason: 'device_not_found', values: { uniqueId: 'no-such-phone' } },
    });
    expect(await t.api<Refusal>('PATCH', '/api/devices/ana-phone', { collectorId: 999_999 })).toMatchObject({
      status: 404,
      body: { message: 'collector 999999 does not exist', reason: 'collector_not_found', values: { collectorId: 999_999 } },
    });

    const dora = await createCollector(t, 'Dora', centro);
    expect((await t.api('PATCH', `/api/collectors/${dora}`, { active: false })).status).toBe(200);
    expect(await t.api<Refusal>('PATCH', '/api/devices/ana-phone', { collectorId: dora }, supCentro)).toMatchObject({
      status: 409,
      body: { message: `collector ${dora} is inactive`, reason: 'collector_inactive', values: { collectorId: dora } },
    });
    expect(await post({ uniqueId: 'dora-phone', name: 'Teléfono de Dora', collectorId: dora }, supCentro)).toMatchObject({
      status: 409,
      body: { message: `collector ${dora} is inactive`, reason: 'collector_inactive', values: { collectorId: dora } },
    });
    expect((await t.api<{ devices: { uniqueId: string }[] }>('GET', '/api/devices')).body.devices.map((d) => d.uniqueId)).not.toContain('dora-phone');
  });

  it('are listed per route in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${t.baseUrl}/api/docs/json`)).json()) as { paths: Record<string, Record<string, { description?: string }>> };
    const codes = (text = '') => [...text.matchAll(/^- \d{3} `([a-z_]+)`/gm)].map((m) => m[1]).sort();
    expect(codes(doc.paths['/api/devices']?.post?.description)).toEqual(['collector_inactive', 'collector_not_found', 'unique_id_taken']);
    expect(codes(doc.paths['/api/devices/{uniqueId}']?.patch?.description)).toEqual(['collector_inactive', 'collector_not_found', 'device_not_found']);
    expect(codes(doc.paths['/api/devices/{uniqueId}/token']?.post?.description)).toEqual(['device_not_found']);
    expect(codes(doc.paths['/api/devices/{uniqueId}/positions']?.get?.description)).toEqual(['device_not_found']);
    expect(doc.paths['/api/devices/{uniqueId}']?.patch?.description).toContain('- 409 `collector_inactive` (`values.collectorId`): registering the device to, or handing it to, a collector who was deactivated');
  });
});
