import { describe, expect, it } from 'vitest';
import { COLLECTOR_REFUSALS, COLLECTOR_REFUSAL_CODES } from '$contract/collector.ts';
import { TEAM_REFUSALS, TEAM_REFUSAL_CODES } from '$contract/team.ts';
import { en } from '../i18n/en.ts';
import { es, type MessageKey } from '../i18n/es.ts';
import { collectorRefusal, holdingsText, teamRefusal, type CollectorAction, type Refused } from './team-refusals.ts';

const translate = (dict: Record<MessageKey, string>) => (key: MessageKey, vars: Record<string, string | number> = {}) =>
  dict[key].replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? `{${n}}`));
const team = (id: number) => (id === 10 ? 'Centro' : `Equipo #${id}`);
/** A refusal as the server sends it (server/operations/collector-change.ts, server/api/collector.routes.ts), message aside. */
const refused = (status: number, reason: string, values: Record<string, string | number> = {}): Refused => ({ status, reason, values });

const collectorIn = (dict: Record<MessageKey, string>, action: CollectorAction = 'edit') => (err: Refused) => collectorRefusal(err, { action, name: 'Ana', team, t: translate(dict) })?.text;
const teamIn = (dict: Record<MessageKey, string>, name = 'Norte') => (err: Refused) =>
  teamRefusal(err, { name, t: translate(dict), languageTag: dict === es ? 'es-MX' : 'en-US' })?.text;

describe('collectorRefusal', () => {
  it("words a collector who still holds visits from the server's code and count, and points to the board", () => {
    const hasVisits = (visits: number) => refused(409, 'collector_has_visits', { visits });
    expect(collectorRefusal(hasVisits(3), { action: 'deactivate', name: 'Ana', team, t: translate(en) })).toEqual({
      text: 'Ana still has 3 visits to do: move them to another collector on the board before deactivating.',
      link: { href: '/board', label: 'Open the board' },
    });
    expect(collectorIn(es, 'deactivate')(hasVisits(1))).toBe('Ana todavía tiene 1 visita por hacer: pásala a otro cobrador en el tablero antes de darle de baja.');
    expect(collectorIn(es, 'move')(hasVisits(2))).toBe('Ana todavía tiene 2 visitas por hacer: pásalas a otro cobrador en el tablero antes de cambiarle de equipo.');
    expect(collectorIn(en, 'move')(hasVisits(1))).toBe('Ana still has 1 visit to do: move it to another collector on the board before moving them to another team.');
  });

  it('words each other code, naming the team and the external id the server names', () => {
    const cases: [Refused, string, string][] = [
      [refused(400, 'collector_name_blank'), 'Escribe el nombre del cobrador: no puede quedar en blanco.', "Type the collector's name: it cannot be blank."],
      [refused(403, 'no_team_for_admins'), 'Solo un administrador agrega cobradores sin equipo.', 'Only an admin adds collectors with no team.'],
      [refused(403, 'not_your_team', { teamId: 20 }), 'Solo puedes agregar cobradores a tu propio equipo.', 'You can only add collectors to your own team.'],
      [refused(403, 'move_for_admins', { collectorId: 5 }), 'Solo un administrador cambia a Ana de equipo.', 'Only an admin moves Ana to another team.'],
      [refused(404, 'team_not_found', { teamId: 10 }), 'El equipo Centro ya no existe: elige otro.', 'The team Centro no longer exists: pick another.'],
      [refused(404, 'collector_not_found', { collectorId: 5 }), 'Ana ya no existe o no es de tu equipo.', 'Ana no longer exists or is not of your team.'],
      [refused(409, 'external_id_taken', { externalId: 'EMP-7' }), 'Otro cobrador ya tiene la clave externa EMP-7.', 'Another collector already has the external id EMP-7.'],
    ];
    for (const [err, spanish, english] of cases) expect({ reason: err.reason, es: collectorIn(es)(err), en: collectorIn(en)(err) }).toEqual({ reason: err.reason, es: spanish, en: english });
  });

  it('words every code the contract lists with the values it says the code carries, in both languages', () => {
    for (const code of COLLECTOR_REFUSAL_CODES) {
      const { status, values } = COLLECTOR_REFUSALS[code];
      const err = refused(status, code, Object.fromEntries(values.map((v) => [v, v === 'externalId' ? 'x' : 10])));
      for (const text of [collectorIn(es)(err), collectorIn(en)(err)]) expect({ code, text }).toEqual({ code, text: expect.not.stringMatching(/\{\w+\}|NaN|undefined|#/) });
    }
  });

  it("words a schema's 400 and an uncoded 403 by status, and leaves an unknown code to the server", () => {
    expect(collectorIn(en)({ status: 400 })).toContain('name of 1 to 120 characters');
    expect(collectorIn(es)({ status: 403 })).toBe('Tu rol no permite este cambio.');
    expect(collectorIn(es)(refused(409, 'something_new'))).toBeUndefined();
    expect(collectorIn(es)(refused(409, 'toString'))).toBeUndefined();
    expect(collectorIn(es)({ status: 500 })).toBeUndefined();
  });
});

describe('teamRefusal', () => {
  it('words a team that still holds things from the counts the server gives, joined as the language joins them', () => {
    const notEmpty = refused(409, 'team_not_empty', { collectors: 2, users: 1, accounts: 40 });
    expect(teamIn(es)(notEmpty)).toBe('Norte todavía tiene 2 cobradores, 1 usuario y 40 cuentas: muévelos o elimínalos antes de borrar el equipo.');
    expect(teamIn(en)(notEmpty)).toBe('Norte still has 2 collectors, 1 user, and 40 accounts: move or remove them before deleting the team.');
    expect(teamIn(es, 'Sur')(refused(409, 'team_not_empty', { checkins: 1 }))).toBe('Sur todavía tiene 1 registro de visita: muévelos o elimínalos antes de borrar el equipo.');
    expect(teamIn(en, 'Sur')(refused(409, 'team_not_empty'))).toBe('Sur received records meanwhile: try again.');
  });

  it('names a holding a newer server counts as the server names it', () => {
    expect(holdingsText({ collectors: 1, drones: 3 }, translate(en), 'en-US')).toBe('1 collector and 3 drones');
    expect(holdingsText({ toString: 2 }, translate(en), 'en-US')).toBe('2 toString');
  });

  it('names the team that has the name, telling a clash in letter case only from the same name', () => {
    const same = refused(409, 'team_name_taken', { name: 'Norte', teamId: 3 });
    expect(teamIn(es)(same)).toBe('Ya existe un equipo llamado «Norte».');
    expect(teamIn(en)(same)).toBe('A team named “Norte” already exists.');
    const cased = refused(409, 'team_name_taken', { name: 'Pacífico', teamId: 3 });
    expect(teamIn(es, 'PACÍFICO')(cased)).toBe('Ya existe el equipo «Pacífico»: los nombres de equipo deben distinguirse en algo más que mayúsculas y minúsculas.');
    expect(teamIn(en, 'PACÍFICO')(cased)).toBe('The team “Pacífico” already exists: team names must differ by more than letter case.');
  });

  it('words the zone, the currency and a team gone, naming what the server names', () => {
    const cases: [Refused, string, string][] = [
      [
        refused(400, 'unknown_time_zone', { timeZone: 'Mars/Olympus' }),
        '«Mars/Olympus» no es una zona horaria conocida: usa un nombre IANA, p. ej. America/Mexico_City.',
        '“Mars/Olympus” is not a known time zone: use an IANA name, e.g. America/Mexico_City.',
      ],
      [refused(400, 'unknown_currency', { currency: 'ABC' }), '«ABC» no es una moneda conocida: usa un código ISO de 3 letras, p. ej. MXN.', '“ABC” is not a known currency: use a 3-letter ISO code, e.g. MXN.'],
      [refused(404, 'team_not_found', { teamId: 3 }), 'El equipo Norte ya no existe.', 'The team Norte no longer exists.'],
    ];
    for (const [err, spanish, english] of cases) expect({ reason: err.reason, es: teamIn(es)(err), en: teamIn(en)(err) }).toEqual({ reason: err.reason, es: spanish, en: english });
  });

  it('words every code the contract lists with the values it says the code carries, in both languages', () => {
    for (const code of TEAM_REFUSAL_CODES) {
      const { status, values } = TEAM_REFUSALS[code];
      const err = refused(status, code, Object.fromEntries(values.map((v) => [v, 'x'])));
      for (const text of [teamIn(es)(err), teamIn(en)(err)]) expect({ code, text }).toEqual({ code, text: expect.not.stringMatching(/\{\w+\}|NaN|undefined/) });
    }
  });

  it("words a schema's 400 by status, and leaves an unknown code to the server", () => {
    expect(teamIn(en)({ status: 400 })).toContain('IANA');
    expect(teamIn(en)(refused(409, 'something_new'))).toBeUndefined();
    expect(teamIn(en)({ status: 500 })).toBeUndefined();
  });
});
