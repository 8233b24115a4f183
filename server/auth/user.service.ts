import type { Kysely } from 'kysely';
import type { Role, SessionUser } from '../contract/auth.ts';
import { USER_REFUSALS, type CreateUser, type UserListQuery, type UserOut, type UserPatch, type UserRefusalValues } from '../contract/user.ts';
import type { Database } from '../db/database.ts';
import type { User } from '../db/tables/user.table.ts';
import { OperationError, refusal } from '../operations/errors.ts';
import { assertTeamExists, teamDeletedMeanwhile } from '../operations/missing-team.ts';
import { hashPassword, type AuthService } from './auth.service.ts';

/** Roles confined to one team (operations/actor.ts readScope); admins and managers see every team. */
const TEAM_ROLES: readonly Role[] = ['supervisor', 'dispatcher', 'collector'];

/** Where a user sits: what decides what they see and change. */
interface Placement {
  role: Role;
  teamId: number | null;
  collectorId: number | null;
}

const normalEmail = (email: string) => email.trim().toLowerCase();
const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';
/** The index behind collector_has_login (migration 0017): what a race past checkPlacement runs into. */
const isSecondLogin = (e: unknown) => isUniqueViolation(e) && `${(e as { constraint?: string }).constraint ?? ''} ${(e as Error).message}`.includes('users_one_login_per_collector');

export function toUserOut(r: User): UserOut {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    teamId: r.team_id,
    collectorId: r.collector_id,
    active: r.active,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** User management for admins (SPEC §6 roles); sessions end through AuthService. */
export class UserService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly auth: AuthService,
  ) {}

  async list(q: UserListQuery): Promise<UserOut[]> {
    let query = this.db.selectFrom('users').selectAll().orderBy('email');
    if (q.role !== undefined) query = query.where('role', '=', q.role);
    if (q.teamId !== undefined) query = query.where('team_id', '=', q.teamId);
    if (q.active !== undefined) query = query.where('active', '=', q.active);
    return (await query.execute()).map(toUserOut);
  }

  async create(body: CreateUser): Promise<UserOut> {
    const email = normalEmail(body.email);
    const collectorId = body.collectorId ?? null;
    let teamId = body.teamId ?? null;
    // A collector's login without a team takes its collector's: there is only one it can be.
    if (body.role === 'collector' && body.teamId === undefined && collectorId !== null) {
      const collector = await this.db.selectFrom('collectors').select('team_id').where('id', '=', collectorId).executeTakeFirst();
      if (!collector) throw collectorNotFound(collectorId);
      teamId = collector.team_id;
    }
    await this.checkPlacement({ role: body.role, teamId, collectorId }, null);
    await this.assertEmailFree(email, null);
    try {
      const row = await this.db
        .insertInto('users')
        .values({ email, name: body.name.trim(), password_hash: await hashPassword(body.password), role: body.role, team_id: teamId, collector_id: collectorId })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUserOut(row);
    } catch (e) {
      if (isSecondLogin(e)) throw (await this.secondLogin(collectorId!, null)) ?? e;
      if (isUniqueViolation(e)) throw emailTaken(email);
      throw teamDeletedMeanwhile(e, 'users', teamId) ?? e;
    }
  }

  /**
   * `by`: who asks and with which token. A new password, a deactivation or a new role, team
   * or collector ends the user's sessions, except the asker's own current one.
   */
  async update(id: number, patch: UserPatch, by: { user: SessionUser; token: string }): Promise<UserOut> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw refuse('user_not_found', `user ${id} does not exist`, { userId: id });
    const next: Placement = {
      role: patch.role ?? row.role,
      teamId: patch.teamId !== undefined ? patch.teamId : row.team_id,
      collectorId: patch.collectorId !== undefined ? patch.collectorId : row.collector_id,
    };
    const moved = next.role !== row.role || next.teamId !== row.team_id || next.collectorId !== row.collector_id;
    const active = patch.active ?? row.active;
    if (moved) await this.checkPlacement(next, id);
    if (row.role === 'admin' && row.active && (next.role !== 'admin' || !active)) await this.assertAnotherAdmin(id);
    const email = patch.email !== undefined ? normalEmail(patch.email) : row.email;
    if (email !== row.email) await this.assertEmailFree(email, id);

    let updated: User;
    try {
      updated = await this.db
        .updateTable('users')
        .set({
          email,
          name: patch.name?.trim() ?? row.name,
          role: next.role,
          team_id: next.teamId,
          collector_id: next.collectorId,
          active,
          ...(patch.password !== undefined ? { password_hash: await hashPassword(patch.password) } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (e) {
      if (isSecondLogin(e)) throw (await this.secondLogin(next.collectorId!, id)) ?? e;
      if (isUniqueViolation(e)) throw emailTaken(email);
      throw teamDeletedMeanwhile(e, 'users', next.teamId) ?? e;
    }
    if (patch.password !== undefined || !active || moved) await this.auth.endSessions(id, id === by.user.id && active ? by.token : undefined);
    return toUserOut(updated);
  }

  /** Role, team and collector agree with each other and with what is stored. */
  private async checkPlacement(p: Placement, userId: number | null): Promise<void> {
    if (TEAM_ROLES.includes(p.role)) {
      if (p.teamId === null) throw refuse('team_required', `role ${p.role} needs a team (teamId)`, { role: p.role });
    } else if (p.teamId !== null) {
      throw refuse('team_not_allowed', `role ${p.role} works across every team: teamId must be null`, { role: p.role, teamId: p.teamId });
    }
    if (p.role !== 'collector' && p.collectorId !== null) {
      throw refuse('collector_not_allowed', `collectorId is only for role collector (send collectorId: null)`, { role: p.role, collectorId: p.collectorId });
    }
    if (p.role === 'collector' && p.collectorId === null) throw refuse('collector_required', 'role collector needs collectorId: the collector this login is', {});
    if (p.teamId !== null) await assertTeamExists(this.db, p.teamId);
    if (p.collectorId === null) return;
    const collectorId = p.collectorId;
    const collector = await this.db.selectFrom('collectors').select('team_id').where('id', '=', collectorId).executeTakeFirst();
    if (!collector) throw collectorNotFound(collectorId);
    if (collector.team_id !== p.teamId) {
      throw refuse('collector_not_in_team', `collector ${collectorId} is in team ${collector.team_id ?? 'none'}, not team ${p.teamId}`, {
        collectorId,
        // A collector's login got past team_required above, so it has a team.
        teamId: p.teamId!,
        ...(collector.team_id !== null ? { collectorTeamId: collector.team_id } : {}),
      });
    }
    const refusal = await this.secondLogin(collectorId, userId);
    if (refusal) throw refusal;
  }

  /** collector_has_login naming the collector's other active login, if there is one. */
  private async secondLogin(collectorId: number, userId: number | null): Promise<OperationError | null> {
    let other = this.db.selectFrom('users').select(['id', 'email']).where('collector_id', '=', collectorId).where('active', '=', true);
    if (userId !== null) other = other.where('id', '<>', userId);
    const holder = await other.executeTakeFirst();
    return holder ? refuse('collector_has_login', `collector ${collectorId} already has a login: user ${holder.id} (${holder.email})`, { collectorId, userId: holder.id, email: holder.email }) : null;
  }

  private async assertEmailFree(email: string, userId: number | null): Promise<void> {
    let q = this.db.selectFrom('users').select('id').where('email', '=', email);
    if (userId !== null) q = q.where('id', '<>', userId);
    if (await q.executeTakeFirst()) throw emailTaken(email);
  }

  /** Someone must still be able to manage users: the last active admin stays one. */
  private async assertAnotherAdmin(userId: number): Promise<void> {
    const other = await this.db.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', true).where('id', '<>', userId).executeTakeFirst();
    if (!other) throw refuse('last_admin', `user ${userId} is the only active admin: make another admin first`, { userId });
  }
}

/** A refusal with its code (contract/user.ts USER_REFUSALS), which also decides its status. */
function refuse<R extends keyof typeof USER_REFUSALS>(reason: R, message: string, values: UserRefusalValues<R> & Record<string, string | number>): OperationError {
  return refusal(USER_REFUSALS, reason, message, values);
}

const collectorNotFound = (collectorId: number) => refuse('collector_not_found', `collector ${collectorId} does not exist`, { collectorId });
const emailTaken = (email: string) => refuse('email_taken', `a user with email ${email} already exists`, { email });
