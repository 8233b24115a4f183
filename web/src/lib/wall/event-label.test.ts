import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.ts';
import { es, type MessageKey } from '../i18n/es.ts';
import { alarmWhereNote, eventLabel } from './event-label.ts';

const tr = (dict: Record<MessageKey, string>) => (key: MessageKey, vars?: Record<string, string | number>) =>
  vars ? dict[key].replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n])) : dict[key];

describe('eventLabel', () => {
  it('names a device alarm by its kind, in both languages', () => {
    const sos = { type: 'alarm' as const, details: { kind: 'sos', deviceAlarm: 'sos', position: 'fix' } };
    expect(eventLabel(sos, tr(es))).toBe('SOS: botón de pánico');
    expect(eventLabel(sos, tr(en))).toBe('SOS: panic button');
    expect(eventLabel({ type: 'alarm', details: { kind: 'power_cut' } }, tr(es))).toBe('Alarma: corte de energía');
  });

  it("names an alarm it cannot place by the device's own word, and a deviation by its type", () => {
    expect(eventLabel({ type: 'alarm', details: { kind: 'other', deviceAlarm: 'door' } }, tr(en))).toBe('Device alarm: door');
    expect(eventLabel({ type: 'alarm', details: { kind: 'from-a-newer-server' } }, tr(en))).toBe('Device alarm');
    expect(eventLabel({ type: 'off_route', details: {} }, tr(es))).toBe('Fuera de ruta');
  });
});

describe('alarmWhereNote', () => {
  it("says when the alarm is shown where the collector was last seen, or nowhere; nothing for the device's own fix", () => {
    expect(alarmWhereNote({ type: 'alarm', details: { kind: 'sos', position: 'last_known' } }, tr(es))).toBe('Ubicación: su última posición conocida');
    expect(alarmWhereNote({ type: 'alarm', details: { kind: 'sos', position: 'none' } }, tr(en))).toBe('No known location');
    expect(alarmWhereNote({ type: 'alarm', details: { kind: 'sos', position: 'fix' } }, tr(en))).toBeNull();
    expect(alarmWhereNote({ type: 'speeding', details: {} }, tr(en))).toBeNull();
  });
});
