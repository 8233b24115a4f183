import { describe, expect, it } from 'vitest';
import { userRefusal, type RefusalContext } from './user-refusals.ts';

const users = [
  { id: 1, email: 'admin@x.mx', collectorId: null, active: true },
  { id: 2, email: 'ana@x.mx', collectorId: 5, active: true },
  { id: 3, email: 'old@x.mx', collectorId: 6, active: false },
];
const admin = { id: 1, role: 'admin' as const, active: true };
const refuse = (over: Partial<RefusalContext>) =>
  userRefusal({ status: 409, message: 'server says', sent: {}, target: null, users, collectorName: (id) => `Cobrador ${id}`, ...over });

describe('userRefusal', () => {
  it('words a 409 on an email in use, in any letter case, with that email', () => {
    expect(refuse({ sent: { email: ' ANA@x.mx ', role: 'dispatcher', collectorId: null } })).toEqual({ key: 'users.error.emailTaken', vars: { email: 'ana@x.mx' } });
    // The login's own email is not a clash.
    expect(refuse({ sent: { email: 'ana@x.mx' }, target: { id: 2, role: 'collector', active: true } }).key).toBe('users.error.conflict');
  });

  it('words a 409 on a collector that has an active login, naming the collector and that login', () => {
    expect(refuse({ sent: { email: 'new@x.mx', role: 'collector', collectorId: 5 } })).toEqual({ key: 'users.error.collectorTaken', vars: { collector: 'Cobrador 5', email: 'ana@x.mx' } });
    // A deactivated login does not hold its collector.
    expect(refuse({ sent: { email: 'new@x.mx', role: 'collector', collectorId: 6 } }).key).toBe('users.error.conflict');
  });

  it('words a 409 on demoting or deactivating an active admin as the last admin', () => {
    expect(refuse({ sent: { active: false }, target: admin })).toEqual({ key: 'users.error.lastAdmin', vars: {} });
    expect(refuse({ sent: { role: 'manager', teamId: null, collectorId: null } as RefusalContext['sent'], target: admin }).key).toBe('users.error.lastAdmin');
    expect(refuse({ sent: { active: false }, target: { id: 2, role: 'collector', active: true } })).toEqual({ key: 'users.error.conflict', vars: { message: 'server says' } });
  });

  it("gives the server's message where it has no words of its own", () => {
    expect(refuse({ status: 400, message: 'body/email must match format "email"' })).toEqual({ key: 'users.error.badInput', vars: { message: 'body/email must match format "email"' } });
    expect(refuse({ status: 404, message: 'team 9 does not exist' })).toEqual({ key: 'users.error.gone', vars: { message: 'team 9 does not exist' } });
    expect(refuse({ status: 403 })).toEqual({ key: 'users.error.forbidden', vars: {} });
    expect(refuse({ status: 500, message: 'Internal Server Error' })).toEqual({ key: 'users.error.failed', vars: { message: 'Internal Server Error' } });
  });
});
