import { describe, expect, it } from 'vitest';
import { collectorChoices, filterUsers, listQuery, placement, userPatch, type CollectorPick } from './user-rows.ts';

const fold = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
const collectors: CollectorPick[] = [
  { id: 1, name: 'Ana Ruiz', teamId: 10, active: true },
  { id: 2, name: 'Beto Soto', teamId: 10, active: true },
  { id: 3, name: 'Caro Díaz', teamId: 20, active: true },
  { id: 4, name: 'Dani Baja', teamId: 10, active: false },
];

describe('placement', () => {
  it('sends admins and managers with no team and no collector, whatever the form still holds', () => {
    for (const role of ['admin', 'manager'] as const) {
      expect(placement({ role, teamId: 10, collectorId: 1 }, collectors)).toEqual({ ok: true, value: { role, teamId: null, collectorId: null } });
    }
  });

  it('asks a team of supervisors, dispatchers and collectors before sending', () => {
    for (const role of ['supervisor', 'dispatcher', 'collector'] as const) {
      expect(placement({ role, teamId: null, collectorId: null }, collectors)).toEqual({ ok: false, problem: { key: 'users.problem.noTeam', vars: {} } });
    }
    expect(placement({ role: 'dispatcher', teamId: 10, collectorId: 1 }, collectors)).toEqual({ ok: true, value: { role: 'dispatcher', teamId: 10, collectorId: null } });
  });

  it("asks a collector's login for its collector, of the same team", () => {
    const noCollector = { ok: false, problem: { key: 'users.problem.noCollector', vars: {} } };
    expect(placement({ role: 'collector', teamId: 10, collectorId: null }, collectors)).toEqual(noCollector);
    expect(placement({ role: 'collector', teamId: 10, collectorId: 3 }, collectors)).toEqual(noCollector);
    expect(placement({ role: 'collector', teamId: 10, collectorId: 2 }, collectors)).toEqual({ ok: true, value: { role: 'collector', teamId: 10, collectorId: 2 } });
  });
});

describe('collectorChoices', () => {
  const users = [
    { id: 7, email: 'ana@x.mx', collectorId: 1, active: true },
    { id: 8, email: 'beto-old@x.mx', collectorId: 2, active: false },
  ];

  it("offers the team's active collectors, naming the login one already has", () => {
    expect(collectorChoices(collectors, users, 10)).toEqual([
      { id: 1, name: 'Ana Ruiz', heldBy: 'ana@x.mx' },
      { id: 2, name: 'Beto Soto', heldBy: null },
    ]);
    expect(collectorChoices(collectors, users, null)).toEqual([]);
  });

  it('does not count the edited login as holding its own collector', () => {
    expect(collectorChoices(collectors, users, 10, 7)[0]).toEqual({ id: 1, name: 'Ana Ruiz', heldBy: null });
  });
});

describe('listQuery', () => {
  it('asks the API only for the filters set', () => {
    expect(listQuery({ role: '', teamId: '', active: '' })).toBe('');
    expect(listQuery({ role: 'dispatcher', teamId: 10, active: 'false' })).toBe('?role=dispatcher&teamId=10&active=false');
    expect(listQuery({ role: '', teamId: '', active: 'true' })).toBe('?active=true');
  });
});

describe('filterUsers', () => {
  const users = [
    { name: 'José Pérez', email: 'jose@x.mx', teamId: 10, collectorId: null },
    { name: 'Ana', email: 'ana@x.mx', teamId: 10, collectorId: 1 },
    { name: 'Root', email: 'admin@x.mx', teamId: null, collectorId: null },
  ];
  const names = { team: (id: number) => (id === 10 ? 'Centro' : null), collector: (id: number) => (id === 1 ? 'Ana Ruiz' : null) };
  const search = (q: string) => filterUsers(users, q, names, fold).map((u) => u.email);

  it('finds a login by name, email, team or collector, accents and case aside', () => {
    expect(search('  ')).toEqual(['jose@x.mx', 'ana@x.mx', 'admin@x.mx']);
    expect(search('JOSE')).toEqual(['jose@x.mx']);
    expect(search('admin@')).toEqual(['admin@x.mx']);
    expect(search('centro')).toEqual(['jose@x.mx', 'ana@x.mx']);
    expect(search('ruiz')).toEqual(['ana@x.mx']);
    expect(search('nadie')).toEqual([]);
  });
});

describe('userPatch', () => {
  const user = { name: 'Diego', email: 'diego@x.mx', role: 'dispatcher' as const, teamId: 10, collectorId: null };

  it('sends nothing when nothing changed, an email differing in case only included', () => {
    expect(userPatch(user, { name: ' Diego ', email: 'Diego@X.mx', role: 'dispatcher', teamId: 10, collectorId: null })).toBeNull();
  });

  it('sends role, team and collector together when any changed, so a role that drops its team says so', () => {
    expect(userPatch(user, { name: 'Diego', email: 'diego@x.mx', role: 'manager', teamId: null, collectorId: null })).toEqual({ role: 'manager', teamId: null, collectorId: null });
    expect(userPatch(user, { name: 'Diego R.', email: 'diego@x.mx', role: 'dispatcher', teamId: 10, collectorId: null })).toEqual({ name: 'Diego R.' });
    expect(userPatch(user, { name: 'Diego', email: 'dr@x.mx', role: 'dispatcher', teamId: 20, collectorId: null })).toEqual({ email: 'dr@x.mx', role: 'dispatcher', teamId: 20, collectorId: null });
  });
});
