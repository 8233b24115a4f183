import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { openDatabase, type DbHandle } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { AuthService } from './auth.service.ts';

/**
 * A session that ends stays ended, even for a request whose check of the token was reading the
 * database at that moment: CI saw a token still open the API after its user signed out from the
 * busy wall, one of the wall's requests having cached the row the sign-out was deleting.
 */
let db: TestDatabase;
let dbh: DbHandle;
let auth: AuthService;
const EMAIL = 'admin@sessions.test';

beforeAll(async () => {
  db = await createTestDatabase();
  dbh = await openDatabase({ databaseUrl: db.databaseUrl ?? null, dataDir: db.databaseUrl ? null : db.dataDir });
  await migrateToLatest(dbh.db);
  auth = new AuthService(dbh.db);
  await auth.ensureAdmin(EMAIL, 'secret');
});
afterAll(async () => {
  await dbh?.close();
  await db?.drop();
});

async function signIn(): Promise<{ token: string; userId: number }> {
  const session = await auth.login(EMAIL, 'secret');
  return { token: session!.token, userId: session!.user.id };
}

describe('ending sessions', () => {
  it('a token checked while its user signs out does not open the API afterwards', async () => {
    const { token } = await signIn();
    const inFlight = auth.verify(token);
    await auth.logout(token);
    await inFlight;
    expect(await auth.verify(token)).toBeNull();
  });

  it('a token checked while its sessions are ended (deactivation, password reset) does not open the API afterwards', async () => {
    const { token, userId } = await signIn();
    const inFlight = auth.verify(token);
    await auth.endSessions(userId);
    await inFlight;
    expect(await auth.verify(token)).toBeNull();
  });

  it('a token verified and cached still works until its session ends, and not after', async () => {
    const { token } = await signIn();
    expect((await auth.verify(token))?.email).toBe(EMAIL);
    expect((await auth.verify(token))?.email).toBe(EMAIL);
    await auth.logout(token);
    expect(await auth.verify(token)).toBeNull();
  });
});
