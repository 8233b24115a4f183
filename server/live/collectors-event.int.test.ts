import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_PATH, type LiveCollectorsChanged } from '../contract/live.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { createCollector, createTeam, loginAs } from '../operations/testing/fixtures.ts';

let t: TestServer;
let norte: number;
let sur: number;
let otro: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startTestServer();
  norte = await createTeam(t, 'Norte');
  sur = await createTeam(t, 'Sur');
  otro = await createTeam(t, 'Otro');
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

/** A dashboard watching the live stream: the `collectors` events it has received. */
async function watch(token: string): Promise<LiveCollectorsChanged[]> {
  const socket = io(t.baseUrl, { path: LIVE_PATH, auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const got: LiveCollectorsChanged[] = [];
  socket.on('collectors', (c: LiveCollectorsChanged) => got.push(c));
  await new Promise((resolve, reject) => (socket.once('snapshot', resolve), socket.once('connect_error', reject)));
  return got;
}

/** Until `got` holds `n` events; whoever else was sent one has it by then too (the same emit, the same process). */
async function received(got: LiveCollectorsChanged[], n: number): Promise<void> {
  const start = Date.now();
  while (got.length < n) {
    if (Date.now() - start > 5_000) throw new Error(`${got.length} of ${n} collectors events after 5 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 100));
}

describe('the live `collectors` event', () => {
  it('tells the teams concerned, and those who watch every team, once, when their collector list changed', async () => {
    const admin = await watch(t.token);
    const ofNorte = await watch(await loginAs(t, 'dispatcher', norte));
    const ofSur = await watch(await loginAs(t, 'supervisor', sur));
    const ofOtro = await watch(await loginAs(t, 'supervisor', otro));

    const ana = await createCollector(t, 'Ana', norte);
    await received(admin, 1);
    expect((await t.api('PATCH', `/api/collectors/${ana}`, { name: 'Ana María' })).status).toBe(200);
    await received(admin, 2);
    expect(ofNorte).toEqual([{ teamIds: [norte] }, { teamIds: [norte] }]);

    // A move changes both lists: the team left and the team joined; the admin hears of it once.
    expect((await t.api('PATCH', `/api/collectors/${ana}`, { teamId: sur })).status).toBe(200);
    await received(admin, 3);
    expect(admin).toEqual([{ teamIds: [norte] }, { teamIds: [norte] }, { teamIds: [norte, sur] }]);
    expect(ofNorte).toHaveLength(3);
    expect(ofSur).toEqual([{ teamIds: [norte, sur] }]);

    expect((await t.api('PATCH', `/api/collectors/${ana}`, { active: false })).status).toBe(200);
    expect((await t.api('PATCH', `/api/teams/${sur}`, { timeZone: 'America/Tijuana' })).status).toBe(200);
    await received(admin, 5);
    expect(ofSur).toEqual([{ teamIds: [norte, sur] }, { teamIds: [sur] }, { teamIds: [sur] }]);
    expect(ofOtro).toEqual([]);
    expect(ofNorte).toHaveLength(3);
  });

  it('is not sent for what the list does not show, or for a change refused', async () => {
    const admin = await watch(t.token);
    const beto = await createCollector(t, 'Beto', otro);
    await received(admin, 1);
    expect((await t.api('PATCH', `/api/teams/${otro}`, { currency: 'USD' })).status).toBe(200);
    expect((await t.api('PATCH', `/api/collectors/${beto}`, { name: '  ' })).status).toBe(400);
    expect((await t.api('PATCH', `/api/collectors/${beto}`, { teamId: 999_999 })).status).toBe(404);
    // A change that is sent, after those that are not: had any of them sent one, it would come first.
    expect((await t.api('PATCH', `/api/collectors/${beto}`, { phone: '55 1234' })).status).toBe(200);
    await received(admin, 2);
    expect(admin).toEqual([{ teamIds: [otro] }, { teamIds: [otro] }]);
  });

  it("is sent when a team is created or deleted, to those who watch every team (the team pages that list teams), and not for a refused one", async () => {
    const admin = await watch(t.token);
    const ofNorte = await watch(await loginAs(t, 'supervisor', norte, 'Norte teams supervisor'));
    const created = await t.api<{ id: number }>('POST', '/api/teams', { name: 'Nuevo' });
    expect(created.status).toBe(201);
    await received(admin, 1);
    expect(admin).toEqual([{ teamIds: [created.body.id] }]);
    expect((await t.api('POST', '/api/teams', { name: 'NUEVO' })).status).toBe(409);
    // Norte still holds collectors: refused, and nothing sent.
    expect((await t.api('DELETE', `/api/teams/${norte}`)).status).toBe(409);
    expect((await t.api('DELETE', `/api/teams/${created.body.id}`)).status).toBe(204);
    await received(admin, 2);
    expect(admin).toEqual([{ teamIds: [created.body.id] }, { teamIds: [created.body.id] }]);
    expect(ofNorte).toEqual([]);
  });

  it("is sent when a collector's devices change: registered to them, handed to another team's collector, disabled", async () => {
    const admin = await watch(t.token);
    const ofNorte = await watch(await loginAs(t, 'supervisor', norte, 'Norte devices supervisor'));
    const ofSur = await watch(await loginAs(t, 'dispatcher', sur, 'Sur devices dispatcher'));
    const ofOtro = await watch(await loginAs(t, 'dispatcher', otro, 'Otro devices dispatcher'));
    const caro = await createCollector(t, 'Caro', norte);
    const dani = await createCollector(t, 'Dani', sur);
    const eva = await createCollector(t, 'Eva', sur);
    await received(admin, 3);
    expect((await t.api('PATCH', `/api/collectors/${eva}`, { active: false })).status).toBe(200);
    await received(admin, 4);
    admin.length = ofNorte.length = ofSur.length = 0;

    const phone = 'caro-phone';
    await t.createDevice(phone, caro);
    await received(admin, 1);
    expect(ofNorte).toEqual([{ teamIds: [norte] }]);

    // None of these changes what a collector row lists: no device of anyone's registered, a name, a token; nor a refused hand-over.
    await t.createDevice('pool-tracker');
    expect((await t.api('PATCH', `/api/devices/${phone}`, { name: 'Teléfono de Caro' })).status).toBe(200);
    expect((await t.api('POST', `/api/devices/${phone}/token`)).status).toBe(200);
    expect((await t.api('PATCH', `/api/devices/${phone}`, { collectorId: eva })).status).toBe(409);
    // The one who gave it up and the one who got it, in their teams; the all-teams room hears of it once.
    expect((await t.api('PATCH', `/api/devices/${phone}`, { collectorId: dani })).status).toBe(200);
    await received(admin, 2);
    expect(admin).toEqual([{ teamIds: [norte] }, { teamIds: [norte, sur] }]);

    expect((await t.api('PATCH', `/api/devices/${phone}`, { active: false })).status).toBe(200);
    await received(admin, 3);
    expect((await t.api('PATCH', `/api/devices/${phone}`, { collectorId: null })).status).toBe(200);
    await received(admin, 4);
    expect(ofSur).toEqual([{ teamIds: [norte, sur] }, { teamIds: [sur] }, { teamIds: [sur] }]);
    expect(ofNorte).toEqual([{ teamIds: [norte] }, { teamIds: [norte, sur] }]);
    expect(ofOtro).toEqual([]);
    expect(admin).toHaveLength(4);
  });
});
