import pino from 'pino';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN, testConfig } from '../../test/support/test-server.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { startServer } from '../server.ts';

/**
 * The bootstrap admin (README "ADMIN_PASSWORD"): a restart without ADMIN_PASSWORD must never
 * put the public demo password back on an admin who changed it.
 */
let db: TestDatabase | undefined;
afterAll(async () => db?.drop());

/** Starts the server on `db` with ADMIN_PASSWORD as given ('' = unset), runs `work`, stops it; returns its warnings. */
async function withServer(adminPassword: string, work: (login: (password: string) => Promise<{ status: number; token?: string }>, baseUrl: string) => Promise<void>): Promise<string[]> {
  const warnings: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      const line = JSON.parse(String(chunk)) as { level: number; msg: string };
      if (line.level >= 40) warnings.push(line.msg);
      done();
    },
  });
  const server = await startServer(testConfig(db!, { ADMIN_PASSWORD: adminPassword }), { logger: pino({ level: 'warn' }, sink) });
  const baseUrl = `http://127.0.0.1:${server.ports.http}`;
  try {
    await work(async (password) => {
      const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: ADMIN.email, password }) });
      return { status: res.status, token: res.ok ? ((await res.json()) as { token: string }).token : undefined };
    }, baseUrl);
  } finally {
    await server.close();
  }
  return warnings;
}

describe('the bootstrap admin', () => {
  it('first start without ADMIN_PASSWORD: the demo password, loudly; later starts without it leave a changed password alone', async () => {
    db = await createTestDatabase();
    const first = await withServer('', async (login) => {
      expect((await login('ronda')).status).toBe(200);
    });
    expect(first.join('\n')).toMatch(/ADMIN_PASSWORD not set: the admin was created with the public demo password "ronda"/);

    // Still the demo password on the next start: still said.
    const second = await withServer('', async (login, baseUrl) => {
      const { token } = await login('ronda');
      const changed = await fetch(`${baseUrl}/api/auth/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ current: 'ronda', new: 'only-the-admin-knows' }),
      });
      expect(changed.status).toBe(200);
    });
    expect(second.join('\n')).toMatch(/the admin still has the public demo password/);

    const third = await withServer('', async (login) => {
      expect((await login('ronda')).status).toBe(401);
      expect((await login('only-the-admin-knows')).status).toBe(200);
    });
    expect(third.join('\n')).not.toMatch(/demo password/);
  }, 180_000);

  it('ADMIN_PASSWORD given: the admin gets it (the way back in) and their old sessions end', async () => {
    let before: string | undefined;
    await withServer('', async (login) => {
      before = (await login('only-the-admin-knows')).token;
    });
    await withServer('from-the-environment', async (login, baseUrl) => {
      expect((await login('only-the-admin-knows')).status).toBe(401);
      expect((await login('from-the-environment')).status).toBe(200);
      expect((await fetch(`${baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${before}` } })).status).toBe(401);
    });
  }, 180_000);
});
