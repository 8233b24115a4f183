import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { createTeam, loginAs } from '../operations/testing/fixtures.ts';

/** DEVICE_HOST: a dashboard behind a proxy or NAT tells a new device the host the device ports are at. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ DEVICE_HOST: 'gps.example.com' });
}, 120_000);
afterAll(async () => t?.close());

describe('GET /api/devices with DEVICE_HOST set', () => {
  it('gives the device host beside the list to those who set devices up, and nothing without a session', async () => {
    const supervisor = await loginAs(t, 'supervisor', await createTeam(t, 'Centro'), 'Sup Centro');
    for (const token of [t.token, supervisor]) {
      const res = await t.api('GET', '/api/devices', undefined, token);
      expect(res.status).toBe(200);
      expect(res.body.deviceHost).toBe('gps.example.com');
    }
    const res = await t.api('GET', '/api/devices', undefined, null);
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).not.toContain('gps.example.com');
  });
});
