import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import type { EventOut } from '../contract/event.ts';
import { createCollector, createTeam } from '../operations/testing/fixtures.ts';

let t: TestServer;
const phones: MqttClient[] = [];

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  // Forced: a publish never acknowledged (the bug) would hold a graceful end.
  for (const c of phones) c.end(true);
  await t?.close();
});

/** A new device and its own connection, so a publish left unacknowledged holds up no other test. */
async function phone(uniqueId: string, collectorId: number | null = null): Promise<MqttClient> {
  const d = await t.createDevice(uniqueId, collectorId);
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: uniqueId, password: d.token, reconnectPeriod: 0 });
  phones.push(c);
  return c;
}

/** A QoS 1 publish that must be acknowledged: one that never is fails here, not at the test timeout. */
async function publish(c: MqttClient, topic: string, payload: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const noPuback = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no PUBACK for ${topic} within 5 s`)), 5000);
  });
  try {
    await Promise.race([c.publishAsync(topic, payload, { qos: 1 }), noPuback]);
  } finally {
    clearTimeout(timer);
  }
}

async function positions(uniqueId: string) {
  const r = await t.api('GET', `/api/devices/${uniqueId}/positions?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`);
  expect(r.status).toBe(200);
  return r.body.positions as { ts: string; lat: number; lon: number; batteryPct: number | null; protocol: string }[];
}

const stats = () => t.server.ingest.stats.toJSON();
const DEPTH = 20_000;
/** JSON nested DEPTH levels: objects within objects, arrays within arrays. */
const deepObject = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
const deepArray = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('JSON nested 20,000 levels deep (it overflowed the stack: never acknowledged, resent for ever)', () => {
  it('refuses a position whose attrs nest that deep, counts it, and stores the rest of the batch', async () => {
    const c = await phone('deep-position');
    const now = Date.now();
    const before = stats();
    const batch = `[{"ts":${now - 2000},"lat":20.7,"lon":-103.3,"attrs":${deepObject}},{"ts":${now - 1000},"lat":20.7001,"lon":-103.3,"attrs":{"list":${deepArray}}},{"ts":${now - 500},"lat":20.7002,"lon":-103.3,"attrs":{"ok":{"nested":true}}}]`;
    await publish(c, 'ronda/deep-position/position', batch);
    expect((await positions('deep-position')).map((p) => p.lat)).toEqual([20.7002]);
    expect(stats().rejected - before.rejected).toBe(2);
    expect(stats().rejectedByReason['attributes are nested more than N levels deep'] - (before.rejectedByReason['attributes are nested more than N levels deep'] ?? 0)).toBe(2);
  });

  it('acknowledges an OwnTracks location with such an extra field and stores it (the field is not read)', async () => {
    const tst = Math.floor(Date.now() / 1000) - 5;
    const c = await phone('deep-owntracks');
    await publish(c, 'owntracks/ana/deep-owntracks', `{"_type":"location","tst":${tst},"lat":20.68,"lon":-103.35,"extra":${deepArray}}`);
    expect((await positions('deep-owntracks')).map((p) => p.ts)).toEqual([new Date(tst * 1000).toISOString()]);
  });

  it('keeps a check-in and a payment with such an extra field in the rejected records, with the reason', async () => {
    const c = await phone('deep-records');
    const ts = new Date(Date.now() - 60_000).toISOString();
    await publish(c, 'ronda/deep-records/checkin', `{"id":"${uuid(1)}","visitId":1,"ts":"${ts}","lat":20.67,"lon":-103.34,"outcome":"absent","extra":${deepObject}}`);
    await publish(c, 'ronda/deep-records/payment', `{"id":"${uuid(2)}","visitId":1,"ts":"${ts}","amount":10,"currency":"MXN","method":"cash","extra":${deepArray}}`);
    const records = (await t.api('GET', '/api/records/rejected')).body.records.filter((r: { uniqueId: string }) => r.uniqueId === 'deep-records');
    expect(records.map((r: { kind: string; reason: string }) => [r.kind, r.reason])).toEqual([
      ['payment', 'its texts are nested more than 64 levels deep'],
      ['checkin', 'its texts are nested more than 64 levels deep'],
    ]);
  });
});

describe('Ronda JSON position times (SPEC §5: ISO-8601 with a zone, or epoch milliseconds)', () => {
  it('refuses, each on its own, a time Date.parse rolled over, read in the server zone or guessed, and stores the rest', async () => {
    const c = await phone('edge-ts');
    const before = stats().rejected;
    const good = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    // The same instant at −06:00, as a phone in Guadalajara would write it.
    const local = new Date(good.getTime() - 6 * 3_600_000).toISOString().replace('Z', '-06:00');
    await publish(
      c,
      'ronda/edge-ts/position',
      JSON.stringify([
        { ts: '2026-02-30T10:00:00Z', lat: 20.71, lon: -103.3 },
        { ts: local.replace('-06:00', ''), lat: 20.72, lon: -103.3 },
        { ts: 'November 29, 2026 10:00', lat: 20.73, lon: -103.3 },
        { ts: local, lat: 20.74, lon: -103.3 },
      ]),
    );
    expect(await positions('edge-ts')).toEqual([expect.objectContaining({ ts: good.toISOString(), lat: 20.74 })]);
    expect(stats().rejected - before).toBe(3);
    expect(Object.keys(stats().rejectedByReason)).toContain('ts missing, or neither ISO-N with a zone (N-N-NTN:N:N-N:N) nor epoch milliseconds');
  });
});

describe('an alarm on a position item refused as malformed', () => {
  it("raises the alarm at the collector's last locked fix, once however often it is resent, while the item is refused as before", async () => {
    const collectorId = await createCollector(t, 'Julia Campos', await createTeam(t, 'Sur'));
    const c = await phone('malformed-alarm', collectorId);
    const now = Math.floor(Date.now() / 1000) * 1000;
    const locked = { ts: now - 60_000, lat: 20.6801, lon: -103.3502 };
    await publish(c, 'ronda/malformed-alarm/position', JSON.stringify(locked));
    const before = stats();
    const sosAt = now - 30_000;
    const batch = JSON.stringify([
      // The SOS of a phone whose location service gave it garbage.
      { ts: sosAt, lat: 95.5, lon: -103.35, attrs: { alarm: 'sos' } },
      // Not read: a name no tracker uses, an attrs that is no object, an item that is no object.
      { ts: now - 20_000, lat: 'n/a', lon: -103.35, attrs: { alarm: 'boom' } },
      { ts: now - 10_000, lat: 95.5, lon: -103.35, attrs: ['alarm', 'sos'] },
      'alarm=sos',
    ]);
    await publish(c, 'ronda/malformed-alarm/position', batch);
    // Redelivered (QoS 1 after a lost PUBACK): the same alarm, not a second one.
    await publish(c, 'ronda/malformed-alarm/position', batch);

    const events = (await t.api('GET', `/api/events?type=alarm&collectorId=${collectorId}`)).body.events as EventOut[];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ severity: 'critical', openedAt: new Date(sosAt).toISOString(), closedAt: null });
    expect(events[0].details).toMatchObject({
      kind: 'sos',
      protocol: 'mqtt',
      deviceTime: new Date(sosAt).toISOString(),
      position: 'last_known',
      lat: locked.lat,
      lon: locked.lon,
      positionAt: new Date(locked.ts).toISOString(),
    });
    // The items themselves are refused, counted and logged as before; nothing of them is stored.
    expect((await positions('malformed-alarm')).map((p) => p.lat)).toEqual([locked.lat]);
    const after = stats();
    expect(after.rejected - before.rejected).toBe(8);
    expect(after.rejectedByReason['lat missing or outside -N'] - (before.rejectedByReason['lat missing or outside -N'] ?? 0)).toBe(6);
    expect(after.alarms).toMatchObject({ received: before.alarms.received + 2, opened: before.alarms.opened + 1, resent: before.alarms.resent + 1 });
  });

  it("raises an alarm from an item without a readable time at the server's time, with no position before any fix", async () => {
    const collectorId = await createCollector(t, 'Karla Ibarra', await createTeam(t, 'Oriente'));
    const c = await phone('malformed-alarm-untimed', collectorId);
    const sentAt = Date.now();
    await publish(c, 'ronda/malformed-alarm-untimed/position', JSON.stringify({ lat: 20.68, lon: -103.35, attrs: { alarm: 'powerCut' } }));
    const [event] = (await t.api('GET', `/api/events?type=alarm&collectorId=${collectorId}`)).body.events as EventOut[];
    expect(Date.parse(event.openedAt)).toBeGreaterThanOrEqual(sentAt - 1000);
    expect(event.details).toMatchObject({ kind: 'power_cut', deviceAlarm: 'powerCut', deviceTime: null, timeSource: 'server', position: 'none' });
    expect(await positions('malformed-alarm-untimed')).toEqual([]);
  });
});

describe('OwnTracks messages that carry no position', () => {
  it('counts an encrypted payload, one without _type, an array and an out-of-range battery as refused, with reasons', async () => {
    const c = await phone('ot-refused');
    const tst = Math.floor(Date.now() / 1000) - 10;
    const before = stats();
    await publish(c, 'owntracks/ana/ot-refused', JSON.stringify({ _type: 'encrypted', data: '1Vu7OwpW4lMnh28FB+el22GsCrlnggvEcp4H8GR9iKJdi1qfwkejYpzrQ+491Mwunjg=' }));
    await publish(c, 'owntracks/ana/ot-refused', JSON.stringify({ tst, lat: 20.6, lon: -103.3 }));
    await publish(c, 'owntracks/ana/ot-refused', JSON.stringify([{ _type: 'location', tst, lat: 20.6, lon: -103.3 }]));
    await publish(c, 'owntracks/ana/ot-refused', JSON.stringify({ _type: 'location', tst, lat: 20.6, lon: -103.3, batt: 250 }));
    const after = stats();
    expect(after.received - before.received).toBe(4);
    expect(after.rejected - before.rejected).toBe(4);
    const added = (reason: string) => (after.rejectedByReason[reason] ?? 0) - (before.rejectedByReason[reason] ?? 0);
    expect(added('encrypted OwnTracks payloads are not supported: clear the encryption key in the app')).toBe(1);
    expect(added('_type missing: not an OwnTracks message')).toBe(1);
    expect(added('payload is an array: OwnTracks sends one message per publish')).toBe(1);
    expect(added('batt must be a number in N')).toBe(1);
  });

  it('still ignores, uncounted, the other types the app sends and the empty payload that clears a retained message', async () => {
    const c = await phone('ot-ignored');
    const tst = Math.floor(Date.now() / 1000);
    const before = stats();
    await publish(c, 'owntracks/ana/ot-ignored', JSON.stringify({ _type: 'lwt', tst }));
    await publish(c, 'owntracks/ana/ot-ignored', JSON.stringify({ _type: 'transition', wtst: tst, tst, lat: 20.6, lon: -103.3, acc: 10, event: 'enter', desc: 'Casa' }));
    await publish(c, 'owntracks/ana/ot-ignored', JSON.stringify({ _type: 'waypoints', waypoints: [] }));
    await publish(c, 'owntracks/ana/ot-ignored', '');
    expect(stats()).toEqual(before);
  });
});
