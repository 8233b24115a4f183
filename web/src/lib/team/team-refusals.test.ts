import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.ts';
import { es, type MessageKey } from '../i18n/es.ts';
import { collectorRefusal, holdingsText, teamRefusal } from './team-refusals.ts';

const translate = (dict: Record<MessageKey, string>) => (key: MessageKey, vars: Record<string, string | number> = {}) =>
  dict[key].replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? `{${n}}`));

const hasVisits = (visits: number) => ({ status: 409, reason: 'collector_has_visits', values: { visits } });

describe('collectorRefusal', () => {
  it("words a collector who still holds visits from the server's code and count, and points to the board", () => {
    expect(collectorRefusal('deactivate', hasVisits(3), 'Ana', translate(en))).toEqual({
      text: 'Ana still has 3 visits to do: move them to another collector on the board before deactivating.',
      link: { href: '/board', label: 'Open the board' },
    });
    expect(collectorRefusal('deactivate', hasVisits(1), 'Ana', translate(es))?.text).toBe('Ana todavía tiene 1 visita por hacer: pásala a otro cobrador en el tablero antes de darle de baja.');
    expect(collectorRefusal('move', hasVisits(2), 'Ana', translate(es))?.text).toBe('Ana todavía tiene 2 visitas por hacer: pásalas a otro cobrador en el tablero antes de cambiarle de equipo.');
    expect(collectorRefusal('move', hasVisits(1), 'Ana', translate(en))?.text).toBe('Ana still has 1 visit to do: move it to another collector on the board before moving them to another team.');
  });

  it('words the other refusals by status, and leaves an unknown one to the server', () => {
    expect(collectorRefusal('add', { status: 403 }, 'Ana', translate(es))?.text).toBe('Solo puedes agregar cobradores a tu propio equipo.');
    expect(collectorRefusal('edit', { status: 404 }, 'Ana', translate(en))?.text).toBe('Ana no longer exists or is not of your team.');
    expect(collectorRefusal('add', { status: 400 }, 'Ana', translate(en))?.text).toContain('name of 1 to 120 characters');
    expect(collectorRefusal('edit', { status: 409, reason: 'something_new' }, 'Ana', translate(es))).toBeNull();
    expect(collectorRefusal('edit', { status: 500 }, 'Ana', translate(es))).toBeNull();
  });
});

describe('teamRefusal', () => {
  it('words a team that still holds things from the counts the server gives, joined as the language joins them', () => {
    const refused = { status: 409, reason: 'team_not_empty', values: { collectors: 2, users: 1, accounts: 40 } };
    expect(teamRefusal('delete', refused, 'Norte', translate(es), 'es-MX')?.text).toBe('Norte todavía tiene 2 cobradores, 1 usuario y 40 cuentas: muévelos o elimínalos antes de borrar el equipo.');
    expect(teamRefusal('delete', refused, 'Norte', translate(en), 'en-US')?.text).toBe('Norte still has 2 collectors, 1 user, and 40 accounts: move or remove them before deleting the team.');
    expect(teamRefusal('delete', { status: 409, reason: 'team_not_empty', values: { checkins: 1 } }, 'Sur', translate(es), 'es-MX')?.text).toBe(
      'Sur todavía tiene 1 registro de visita: muévelos o elimínalos antes de borrar el equipo.',
    );
  });

  it('names a holding a newer server counts as the server names it', () => {
    expect(holdingsText({ collectors: 1, drones: 3 }, translate(en), 'en-US')).toBe('1 collector and 3 drones');
    expect(holdingsText({ toString: 2 }, translate(en), 'en-US')).toBe('2 toString');
  });

  it('words a duplicate name, a bad zone or currency and a team gone', () => {
    expect(teamRefusal('create', { status: 409 }, 'Norte', translate(es), 'es-MX')?.text).toBe('Ya existe un equipo llamado «Norte».');
    expect(teamRefusal('edit', { status: 400 }, 'Norte', translate(en), 'en-US')?.text).toContain('IANA');
    expect(teamRefusal('delete', { status: 404 }, 'Norte', translate(en), 'en-US')?.text).toBe('The team Norte no longer exists.');
    expect(teamRefusal('delete', { status: 500 }, 'Norte', translate(en), 'en-US')).toBeNull();
  });
});
