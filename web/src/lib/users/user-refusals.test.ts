import { USER_REFUSALS, USER_REFUSAL_CODES } from '$contract/user.ts';
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.ts';
import { es, type MessageKey } from '../i18n/es.ts';
import { userRefusal, type Refused } from './user-refusals.ts';

const translate = (dict: Record<MessageKey, string>) => (refused: Refused) => {
  const { key, vars } = userRefusal(refused, names);
  return dict[key].replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? `{${n}}`));
};
const names = { team: (id: number) => (id === 10 ? 'Centro' : `Equipo #${id}`), collector: (id: number) => (id === 5 ? 'Ana Ruiz' : `Cobrador #${id}`) };
const inEs = translate(es);
const inEn = translate(en);
/** A refusal as the server sends it (server/auth/user.service.ts), message aside. */
const refused = (status: number, reason: string, values: Record<string, string | number> = {}): Refused => ({ status, message: 'server words', reason, values });

describe('userRefusal', () => {
  it('words the clashes with other logins from their codes, naming the email and the login that holds the collector', () => {
    const taken = refused(409, 'email_taken', { email: 'diego@x.mx' });
    expect(inEs(taken)).toBe('Ya existe un usuario con el correo diego@x.mx.');
    expect(inEn(taken)).toBe('A user with the email diego@x.mx already exists.');
    const held = refused(409, 'collector_has_login', { collectorId: 5, userId: 7, email: 'ana@x.mx' });
    expect(inEs(held)).toBe('Ana Ruiz ya tiene un acceso activo (ana@x.mx): desactívalo primero.');
    expect(inEn(held)).toBe('Ana Ruiz already has an active login (ana@x.mx): deactivate it first.');
    const last = refused(409, 'last_admin', { userId: 1 });
    expect(inEs(last)).toBe('Es el único administrador activo: nombra antes a otro administrador.');
    expect(inEn(last)).toBe('This is the only active admin: make someone else an admin first.');
  });

  it('words each placement rule from its code', () => {
    const cases: [Refused, string, string][] = [
      [refused(400, 'team_required', { role: 'dispatcher' }), 'Elige el equipo: este rol trabaja en uno solo.', 'Pick the team: this role works in one team only.'],
      [
        refused(400, 'team_not_allowed', { role: 'manager', teamId: 10 }),
        'Administradores y gerentes trabajan en todos los equipos: no llevan equipo.',
        'Admins and managers work across every team: they have no team.',
      ],
      [refused(400, 'collector_not_allowed', { role: 'dispatcher', collectorId: 5 }), 'Solo el acceso de un cobrador lleva cobrador.', "Only a collector's login names a collector."],
      [refused(400, 'collector_required'), 'Elige el cobrador de este acceso, del mismo equipo.', 'Pick the collector this login is, of the same team.'],
      [
        refused(400, 'collector_not_in_team', { collectorId: 5, teamId: 10, collectorTeamId: 20 }),
        'Ana Ruiz no es del equipo Centro: quizá lo cambiaron de equipo. Elige un cobrador de ese equipo.',
        'Ana Ruiz is not in team Centro: they may have been moved. Pick a collector of that team.',
      ],
      [refused(404, 'team_not_found', { teamId: 10 }), 'El equipo Centro ya no existe.', 'The team Centro no longer exists.'],
      [refused(404, 'collector_not_found', { collectorId: 9 }), 'El cobrador Cobrador #9 ya no existe.', 'The collector Cobrador #9 no longer exists.'],
      [refused(404, 'user_not_found', { userId: 3 }), 'Este usuario ya no existe.', 'This user no longer exists.'],
    ];
    for (const [err, spanish, english] of cases) expect({ reason: err.reason, es: inEs(err), en: inEn(err) }).toEqual({ reason: err.reason, es: spanish, en: english });
  });

  it('words every code the contract lists with the values it says the code carries, in both languages', () => {
    for (const code of USER_REFUSAL_CODES) {
      const { status, values } = USER_REFUSALS[code];
      const err = refused(status, code, Object.fromEntries(values.map((v) => [v, v === 'email' || v === 'role' ? 'x' : 10])));
      for (const text of [inEs(err), inEn(err)]) {
        expect({ code, text }).toEqual({ code, text: expect.not.stringMatching(/\{\w+\}|server words|NaN|undefined/) });
      }
    }
  });

  it("gives the server's message for a code it does not know and for refusals without one", () => {
    expect(inEs(refused(409, 'something_new'))).toBe('El cambio choca con otro usuario: server words');
    expect(inEn({ status: 400, message: 'body/email must match format "email"' })).toBe('Invalid data: body/email must match format "email"');
    expect(inEs({ status: 404, message: 'gone' })).toBe('El usuario, el equipo o el cobrador ya no existe: gone');
    expect(inEn({ status: 403, message: 'Forbidden' })).toBe('Your role may not manage users.');
    expect(inEn({ status: 500, message: 'Internal Server Error' })).toBe('Could not complete it: Internal Server Error');
    // An inherited name is not a code.
    expect(inEn(refused(409, 'toString'))).toBe('The change clashes with another user: server words');
  });
});
