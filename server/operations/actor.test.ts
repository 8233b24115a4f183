import { describe, expect, it } from 'vitest';
import type { Role, SessionUser } from '../contract/auth.ts';
import { assertCanWrite, type Actor } from './actor.ts';
import type { OperationError } from './errors.ts';

const user = (role: Role, teamId: number | null): Actor => ({ kind: 'user', user: { id: 1, email: 'x@test.local', name: 'X', role, teamId, collectorId: null } satisfies SessionUser });
const device = (teamId: number | null): Actor => ({ kind: 'device', uniqueId: 'ana-phone', collectorId: teamId === null ? null : 7, teamId });

/** What assertCanWrite refuses with, as the API's error body carries it; null when it lets the write through. */
function refusalOf(actor: Actor, teamId: number): Pick<OperationError, 'statusCode' | 'message' | 'reason' | 'values'> | null {
  try {
    assertCanWrite(actor, teamId);
    return null;
  } catch (e) {
    const { statusCode, message, reason, values } = e as OperationError;
    return { statusCode, message, reason, values };
  }
}

describe('assertCanWrite', () => {
  it("lets admins write to every team, a team's supervisors and dispatchers to theirs, a device to its collector's", () => {
    expect(refusalOf(user('admin', null), 3)).toBeNull();
    expect(refusalOf(user('supervisor', 3), 3)).toBeNull();
    expect(refusalOf(user('dispatcher', 3), 3)).toBeNull();
    expect(refusalOf(device(3), 3)).toBeNull();
    expect(refusalOf({ kind: 'system', label: 'import CLI' }, 3)).toBeNull();
  });

  it('refuses the roles that only read, with a code naming the role and the team', () => {
    for (const role of ['manager', 'collector'] as const) {
      expect(refusalOf(user(role, 3), 3)).toEqual({ statusCode: 403, message: `role ${role} may not change team 3's records`, reason: 'role_may_not_change', values: { role, teamId: 3 } });
    }
  });

  it("refuses another team's people as not_your_team", () => {
    expect(refusalOf(user('dispatcher', 4), 3)).toEqual({ statusCode: 403, message: 'team 3 is not your team', reason: 'not_your_team', values: { teamId: 3 } });
  });

  it('refuses a dispatcher or supervisor of no team as not_in_a_team, as the plan routes do, not as if the team were another', () => {
    for (const role of ['dispatcher', 'supervisor'] as const) {
      expect(refusalOf(user(role, null), 3)).toEqual({ statusCode: 403, message: `you belong to no team: a ${role} acts on their own team only`, reason: 'not_in_a_team', values: { role } });
    }
  });

  it("refuses a device another team's record, or any record when it belongs to no team, each with its code", () => {
    expect(refusalOf(device(4), 3)).toEqual({
      statusCode: 403,
      message: 'device ana-phone is in team 4, not team 3',
      reason: 'device_of_other_team',
      values: { uniqueId: 'ana-phone', teamId: 3, deviceTeamId: 4 },
    });
    expect(refusalOf(device(null), 3)).toEqual({
      statusCode: 403,
      message: 'device ana-phone belongs to no team: it has no collector, or its collector has no team',
      reason: 'device_of_no_team',
      values: { uniqueId: 'ana-phone' },
    });
  });
});
