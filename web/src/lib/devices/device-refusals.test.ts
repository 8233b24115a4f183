import { describe, expect, it } from 'vitest';
import { DEVICE_REFUSALS, DEVICE_REFUSAL_CODES } from '$contract/device.ts';
import { en } from '../i18n/en.ts';
import { es, type MessageKey } from '../i18n/es.ts';
import { deviceRefusal, type Refused } from './device-refusals.ts';

const names = { collector: (id: number) => (id === 5 ? 'Ana Ruiz' : `#${id}`), device: (uniqueId: string) => (uniqueId === 'ana-phone' ? 'Teléfono de Ana' : uniqueId) };
const translate = (dict: Record<MessageKey, string>) => (refused: Refused) => {
  const { key, vars } = deviceRefusal(refused, names);
  return dict[key].replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? `{${n}}`));
};
const inEs = translate(es);
const inEn = translate(en);
/** A refusal as the server sends it (server/api/device.routes.ts, device-admin.routes.ts), message aside. */
const refused = (status: number, reason: string, values: Record<string, string | number> = {}): Refused => ({ status, message: 'server words', reason, values });

describe('deviceRefusal', () => {
  it('words each code, naming the id, the collector and the device the server names', () => {
    const cases: [Refused, string, string][] = [
      [refused(409, 'unique_id_taken', { uniqueId: 'ana-phone' }), 'Ya existe un dispositivo con el id ana-phone.', 'A device with the id ana-phone already exists.'],
      [refused(404, 'collector_not_found', { collectorId: 5 }), 'El cobrador Ana Ruiz ya no existe o no es de tu equipo.', 'The collector Ana Ruiz no longer exists or is not in your team.'],
      [
        refused(409, 'collector_inactive', { collectorId: 5 }),
        'Ana Ruiz está dado de baja: elige otro cobrador o reactívalo en Equipo.',
        'Ana Ruiz has been deactivated: pick another collector or bring them back on the Team page.',
      ],
      [refused(404, 'device_not_found', { uniqueId: 'ana-phone' }), 'El dispositivo Teléfono de Ana ya no existe o no es de tu equipo.', 'The device Teléfono de Ana no longer exists or is not in your team.'],
    ];
    for (const [err, spanish, english] of cases) expect({ reason: err.reason, es: inEs(err), en: inEn(err) }).toEqual({ reason: err.reason, es: spanish, en: english });
  });

  it('words every code the contract lists with the values it says the code carries, in both languages', () => {
    for (const code of DEVICE_REFUSAL_CODES) {
      const { status, values } = DEVICE_REFUSALS[code];
      const err = refused(status, code, Object.fromEntries(values.map((v) => [v, v === 'collectorId' ? 5 : 'x'])));
      for (const text of [inEs(err), inEn(err)]) expect({ code, text }).toEqual({ code, text: expect.not.stringMatching(/\{\w+\}|server words|NaN|undefined/) });
    }
  });

  it("words a schema's 400 by status, and gives the server's message for a code it does not know", () => {
    expect(inEs({ status: 400, message: 'body/uniqueId must match pattern' })).toContain('Datos no válidos: el id admite letras');
    expect(inEn({ status: 403, message: 'Forbidden' })).toBe('You are not allowed to do this.');
    expect(inEs(refused(409, 'something_new'))).toBe('Choca con lo guardado: server words');
    expect(inEn(refused(404, 'toString'))).toBe('It no longer exists or is not in your team: server words');
    expect(inEn({ status: 500, message: 'Internal Server Error' })).toBe('Could not finish: Internal Server Error');
  });
});
