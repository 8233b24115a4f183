import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_PATH, type LiveSnapshot } from '../contract/live.ts';
import type { TeamOut } from '../contract/team.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { createCollector, createTeam, loginAs } from '../operations/testing/fixtures.ts';

let t: TestServer;
let norte: number;
let sur: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startTestServer({ TIME_ZONE: 'America/Monterrey', CURRENCY: 'MXN' });
  norte = await createTeam(t, 'Norte');
  sur = await createTeam(t, 'Sur');
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

/** A dashboard watching the live stream: the `team` events it has received. */
async function watch(token: string): Promise<TeamOut[]> {
  const socket = io(t.baseUrl, { path: LIVE_PATH, auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const got: TeamOut[] = [];
  socket.on('team', (team: TeamOut) => got.push(team));
  await new Promise((resolve, reject) => (socket.once('snapshot', resolve), socket.once('connect_error', reject)));
  return got;
}

/** What a dashboard gets on (re)connecting, before any delta: the link is closed once it has come. */
async function snapshotOf(token: string): Promise<LiveSnapshot> {
  const socket = io(t.baseUrl, { path: LIVE_PATH, auth: { token }, transports: ['websocket'], reconnection: false });
  try {
    return await new Promise<LiveSnapshot>((resolve, reject) => (socket.once('snapshot', resolve), socket.once('connect_error', reject)));
  } finally {
    socket.close();
  }
}

describe('the live `team` event', () => {
  it("brings a team's new currency or time zone to its open dashboards (its people's, its collectors' and every team's), and to no other team", async () => {
    const ana = await createCollector(t, 'Ana', norte);
    await t.server.auth.createUser({ email: 'ana@norte.test', name: 'Ana', password: 'pw-123456', role: 'collector', teamId: norte, collectorId: ana });
    const anaToken = (await t.api<{ token: string }>('POST', '/api/auth/login', { email: 'ana@norte.test', password: 'pw-123456' }, null)).body.token;
    const admin = await watch(t.token);
    const ofNorte = await watch(await loginAs(t, 'supervisor', norte));
    const anaOwn = await watch(anaToken);
    const ofSur = await watch(await loginAs(t, 'dispatcher', sur));

    // Only the currency: the collectors' rows show nothing of it, yet every amount on the wall does.
    expect((await t.api('PATCH', `/api/teams/${norte}`, { currency: 'USD' })).status).toBe(200);
    const usd = { id: norte, name: 'Norte', timeZone: 'America/Monterrey', currency: 'USD' };
    await expect.poll(() => ofNorte, { timeout: 5000 }).toEqual([usd]);
    await expect.poll(() => anaOwn, { timeout: 5000 }).toEqual([usd]);
    await expect.poll(() => admin, { timeout: 5000 }).toEqual([usd]);

    expect((await t.api('PATCH', `/api/teams/${norte}`, { timeZone: 'America/Tijuana' })).status).toBe(200);
    const tijuana = { ...usd, timeZone: 'America/Tijuana' };
    await expect.poll(() => ofNorte, { timeout: 5000 }).toEqual([usd, tijuana]);
    await expect.poll(() => anaOwn, { timeout: 5000 }).toEqual([usd, tijuana]);

    // Refused: nothing changed, nothing sent. Then one that is, to Sur's: had the refused one been sent, it would come first.
    expect((await t.api('PATCH', `/api/teams/${norte}`, { currency: 'ABC' })).status).toBe(400);
    expect((await t.api('PATCH', `/api/teams/${sur}`, { currency: 'COP' })).status).toBe(200);
    await expect.poll(() => ofSur, { timeout: 5000 }).toEqual([{ id: sur, name: 'Sur', timeZone: 'America/Monterrey', currency: 'COP' }]);
    await expect.poll(() => admin, { timeout: 5000 }).toHaveLength(3);
    expect(ofNorte).toEqual([usd, tijuana]);
    expect(anaOwn).toEqual([usd, tijuana]);
  });

  it("is not lost to a dashboard away when it was sent: the snapshot of every (re)connection carries the user's own team as it is now", async () => {
    const oeste = await createTeam(t, 'Oeste');
    const beto = await createCollector(t, 'Beto', oeste);
    await t.server.auth.createUser({ email: 'beto@oeste.test', name: 'Beto', password: 'pw-123456', role: 'collector', teamId: oeste, collectorId: beto });
    const betoToken = (await t.api<{ token: string }>('POST', '/api/auth/login', { email: 'beto@oeste.test', password: 'pw-123456' }, null)).body.token;
    const supervisor = await loginAs(t, 'supervisor', oeste);
    expect((await snapshotOf(supervisor)).team).toEqual({ id: oeste, name: 'Oeste', timeZone: 'America/Monterrey', currency: 'MXN' });

    // Changed while no dashboard of Oeste's is connected: its `team` event reaches no one.
    expect((await t.api('PATCH', `/api/teams/${oeste}`, { currency: 'COP', timeZone: 'America/Bogota' })).status).toBe(200);
    const now = { id: oeste, name: 'Oeste', timeZone: 'America/Bogota', currency: 'COP' };
    expect((await snapshotOf(supervisor)).team).toEqual(now);
    expect((await snapshotOf(betoToken)).team).toEqual(now);
    // An admin's zone and currency are the server's, which no team's change touches.
    expect(await snapshotOf(t.token)).not.toHaveProperty('team');
  });
});
