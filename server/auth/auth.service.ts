import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Kysely } from 'kysely';
import type { SessionUser } from '../contract/auth.ts';
import type { Database } from '../db/database.ts';
import { hashToken } from '../ingest/device-registry.ts';

/** A hash of nothing anyone can type, at the cost the stored hashes use (10 rounds); made on the first unknown email. */
let unknownUserHash: Promise<string> | undefined;
const hashOfNobody = () => (unknownUserHash ??= bcrypt.hash(randomBytes(16).toString('hex'), 10));

const SESSION_DAYS = 30;
const CACHE_MS = 60_000;
/** The bootstrap admin's password on a first start without ADMIN_PASSWORD: the demo's, public, so start-up warns. */
export const FIRST_START_PASSWORD = 'ronda';
const BCRYPT_ROUNDS = 10;
export const hashPassword = (password: string): Promise<string> => bcrypt.hash(password, BCRYPT_ROUNDS);

/** What ensureAdmin did: `demoPassword` = the admin's password is the public FIRST_START_PASSWORD. */
export interface AdminBootstrap {
  outcome: 'created' | 'reset' | 'kept';
  demoPassword: boolean;
}

export class AuthService {
  // Every API call and socket connection verifies a token: cache briefly to spare the database.
  private cache = new Map<string, { user: SessionUser; until: number }>();
  /**
   * Counts the session endings this instance made. A verify whose read overlapped one does not
   * cache what it read: it may be the row that ending deleted, and it would have stayed valid
   * here for CACHE_MS (a request of the busy wall in flight while its user signed out did).
   */
  private endings = 0;

  constructor(private readonly db: Kysely<Database>) {}

  async login(email: string, password: string): Promise<{ token: string; user: SessionUser } | null> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
    // An unknown email costs the same hash comparison as a wrong password: answer time must not tell which emails exist.
    const matches = await bcrypt.compare(password, row?.password_hash ?? (await hashOfNobody()));
    if (!row || !matches || !row.active) return null;
    const token = randomBytes(32).toString('base64url');
    await this.db
      .insertInto('sessions')
      .values({ token_hash: hashToken(token), user_id: row.id, expires_at: new Date(Date.now() + SESSION_DAYS * 86_400_000) })
      .execute();
    return { token, user: toSessionUser(row) };
  }

  async verify(token: string): Promise<SessionUser | null> {
    const now = Date.now();
    const hit = this.cache.get(token);
    if (hit && hit.until > now) return hit.user;
    const endingsBefore = this.endings;
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.email', 'users.name', 'users.role', 'users.team_id', 'users.collector_id', 'sessions.expires_at'])
      .where('sessions.token_hash', '=', hashToken(token))
      .where('sessions.expires_at', '>', new Date())
      .where('users.active', '=', true)
      .executeTakeFirst();
    if (!row) return null;
    const user = toSessionUser(row);
    if (this.endings !== endingsBefore) return user;
    // Never past the session's own end: a cached token was accepted for a minute after it expired.
    this.cache.set(token, { user, until: Math.min(now + CACHE_MS, new Date(row.expires_at).getTime()) });
    return user;
  }

  /** Called with the token of every session that ends here (the live stream closes its sockets). */
  onLogout: (token: string) => void = () => undefined;

  async logout(token: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
    this.endings++;
    this.cache.delete(token);
    this.onLogout(token);
  }

  /**
   * The user's other sessions end (all of them without `keep`): a deactivation, a password
   * reset or a change of role or team must not leave a stolen or stale token working. This
   * instance forgets them at once; other instances' caches within CACHE_MS.
   */
  async endSessions(userId: number, keep?: string): Promise<void> {
    let q = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keep) q = q.where('token_hash', '<>', hashToken(keep));
    await q.execute();
    this.endings++;
    // The kept session too: it is read again, with the user's new role or team.
    for (const [token, hit] of this.cache) if (hit.user.id === userId) this.cache.delete(token);
    this.onSessionsEnded(userId, keep);
  }

  /** Called when endSessions ended a user's sessions but `keep` (the live stream closes their sockets). */
  onSessionsEnded: (userId: number, keep?: string) => void = () => undefined;

  /** A user's own change of password: the current one must be right; their other sessions end. */
  async changePassword(userId: number, current: string, next: string, keep: string): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
    if (!row || !(await bcrypt.compare(current, row.password_hash))) return false;
    await this.db.updateTable('users').set({ password_hash: await hashPassword(next) }).where('id', '=', userId).execute();
    await this.endSessions(userId, keep);
    return true;
  }

  /** Whether `email`'s password is `password`, without opening a session (start-up messages). */
  async hasPassword(email: string, password: string): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('password_hash').where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
    return row !== undefined && (await bcrypt.compare(password, row.password_hash));
  }

  /**
   * The bootstrap admin (ADMIN_EMAIL). Without a password (ADMIN_PASSWORD unset) it is only
   * created when missing, with FIRST_START_PASSWORD; an existing one is left alone, so a
   * restart never puts back the public demo password an admin changed. With a password, the
   * account is made that admin again (password, role, active): the way back in when locked
   * out. A changed password ends the account's sessions.
   */
  async ensureAdmin(email: string, password: string | null): Promise<AdminBootstrap> {
    const address = email.trim().toLowerCase();
    const given = password ?? FIRST_START_PASSWORD;
    const created = await this.db
      .insertInto('users')
      .values({ email: address, name: 'Admin', password_hash: await hashPassword(given), role: 'admin', team_id: null, collector_id: null })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (created) return { outcome: 'created', demoPassword: password === null };
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', address).executeTakeFirstOrThrow();
    const same = await bcrypt.compare(given, row.password_hash);
    if (password === null) return { outcome: 'kept', demoPassword: same };
    if (same && row.role === 'admin' && row.active && row.team_id === null && row.collector_id === null) return { outcome: 'kept', demoPassword: false };
    await this.db
      .updateTable('users')
      .set({ ...(same ? {} : { password_hash: await hashPassword(password) }), role: 'admin', team_id: null, collector_id: null, active: true })
      .where('id', '=', row.id)
      .execute();
    if (!same || row.role !== 'admin') await this.endSessions(row.id);
    return { outcome: 'reset', demoPassword: false };
  }

  async createUser(u: { email: string; name: string; password: string; role: SessionUser['role']; teamId: number | null; collectorId?: number | null }): Promise<number> {
    const row = await this.db
      .insertInto('users')
      .values({
        email: u.email.toLowerCase(),
        name: u.name,
        password_hash: await hashPassword(u.password),
        role: u.role,
        team_id: u.teamId,
        collector_id: u.collectorId ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }
}

function toSessionUser(r: { id: number; email: string; name: string; role: SessionUser['role']; team_id: number | null; collector_id: number | null }): SessionUser {
  return { id: r.id, email: r.email, name: r.name, role: r.role, teamId: r.team_id, collectorId: r.collector_id };
}
