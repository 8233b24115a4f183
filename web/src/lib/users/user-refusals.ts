import type { Role } from '$contract/auth.ts';
import type { UserOut } from '$contract/user.ts';
import type { Worded } from './user-rows.ts';

export interface RefusalContext {
  status: number;
  /** The server's message, shown where the page has no words of its own. */
  message: string;
  /** What was sent of what can collide with another login. */
  sent: { email?: string; role?: Role; collectorId?: number | null; active?: boolean };
  /** The login changed; null: a new one. */
  target: Pick<UserOut, 'id' | 'role' | 'active'> | null;
  /** Every login as the server has them now (listed again after the refusal). */
  users: readonly Pick<UserOut, 'id' | 'email' | 'collectorId' | 'active'>[];
  collectorName: (id: number) => string;
}

/**
 * A refusal of /api/users in the page's words. The user routes give no `reason` code, and
 * their 409 has three causes (server/auth/user.service.ts): an email in use, a collector with
 * a login already, the last active admin. Which one is read from what was sent against the
 * logins listed again; when none fits (another change in between), the server's message.
 */
export function userRefusal(ctx: RefusalContext): Worded {
  const { status, message, sent, target, users } = ctx;
  const others = users.filter((u) => u.id !== target?.id);
  if (status === 409) {
    const email = sent.email?.trim().toLowerCase();
    if (email !== undefined && others.some((u) => u.email === email)) return { key: 'users.error.emailTaken', vars: { email } };
    const holder = sent.collectorId == null ? undefined : others.find((u) => u.active && u.collectorId === sent.collectorId);
    if (holder && sent.collectorId != null) return { key: 'users.error.collectorTaken', vars: { collector: ctx.collectorName(sent.collectorId), email: holder.email } };
    const demoted = (sent.role !== undefined && sent.role !== 'admin') || sent.active === false;
    if (target?.role === 'admin' && target.active && demoted) return { key: 'users.error.lastAdmin', vars: {} };
    return { key: 'users.error.conflict', vars: { message } };
  }
  if (status === 400) return { key: 'users.error.badInput', vars: { message } };
  if (status === 403) return { key: 'users.error.forbidden', vars: {} };
  if (status === 404) return { key: 'users.error.gone', vars: { message } };
  return { key: 'users.error.failed', vars: { message } };
}
