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

export class AuthService {
  // Every API call and socket connection verifies a token: cache briefly to spare the database.
  private cache = new Map<string, { user: SessionUser; until: number }>();

  constructor(private readonly db: Kysely<Database>) {}

  async login(email: string, password: string): Promise<{ token: string; user: SessionUser } | null> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
    // An unknown email costs the same hash comparison as a wrong password: answer time must not tell which emails exist.
    const matches = await bcrypt.compare(password, row?.password_hash ?? (await hashOfNobody()));
    if (!row || !matches) return null;
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
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.email', 'users.name', 'users.role', 'users.team_id', 'sessions.expires_at'])
      .where('sessions.token_hash', '=', hashToken(token))
      .where('sessions.expires_at', '>', new Date())
      .executeTakeFirst();
    if (!row) return null;
    const user = toSessionUser(row);
    // Never past the session's own end: a cached token was accepted for a minute after it expired.
    this.cache.set(token, { user, until: Math.min(now + CACHE_MS, new Date(row.expires_at).getTime()) });
    return user;
  }

  /** Called with the token of every session that ends here (the live stream closes its sockets). */
  onLogout: (token: string) => void = () => undefined;

  async logout(token: string): Promise<void> {
    this.cache.delete(token);
    await this.db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
    this.onLogout(token);
  }

  /** The bootstrap admin (ADMIN_EMAIL / ADMIN_PASSWORD): created if missing, password reset if given. */
  async ensureAdmin(email: string, password: string): Promise<void> {
    const hash = await bcrypt.hash(password, 10);
    await this.db
      .insertInto('users')
      .values({ email: email.toLowerCase(), name: 'Admin', password_hash: hash, role: 'admin', team_id: null, collector_id: null })
      .onConflict((oc) => oc.column('email').doUpdateSet({ password_hash: hash }))
      .execute();
  }

  async createUser(u: { email: string; name: string; password: string; role: SessionUser['role']; teamId: number | null }): Promise<number> {
    const row = await this.db
      .insertInto('users')
      .values({
        email: u.email.toLowerCase(),
        name: u.name,
        password_hash: await bcrypt.hash(u.password, 10),
        role: u.role,
        team_id: u.teamId,
        collector_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }
}

function toSessionUser(r: { id: number; email: string; name: string; role: SessionUser['role']; team_id: number | null }): SessionUser {
  return { id: r.id, email: r.email, name: r.name, role: r.role, teamId: r.team_id };
}
