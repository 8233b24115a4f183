import { describe, expect, it } from 'vitest';
import { fromForm, toForm } from './plan-settings.ts';

const read = { office: { lat: 20.67, lon: -103.35 }, shift: { start: '08:00', end: '18:00' }, maxVisitsPerCollector: 25, break: null, evenShare: false };

describe('the plan settings form', () => {
  it('saves what it read, with the changes made', () => {
    const form = { ...toForm(read), evenShare: true, shiftStart: '09:00', hasBreak: true, breakMinutes: '30' };
    expect(fromForm(form)).toEqual({
      body: { office: read.office, shift: { start: '09:00', end: '18:00' }, maxVisitsPerCollector: 25, break: { start: '13:00', end: '15:00', minutes: 30 }, evenShare: true },
    });
  });

  it('reads a Spanish decimal comma, and no office when both are empty', () => {
    expect(fromForm({ ...toForm(read), officeLat: '20,5', officeLon: '-103,25' })).toMatchObject({ body: { office: { lat: 20.5, lon: -103.25 } } });
    expect(fromForm({ ...toForm(read), officeLat: ' ', officeLon: '' })).toMatchObject({ body: { office: null } });
  });

  it('names each field that is wrong, and sends nothing', () => {
    const form = { ...toForm(read), officeLat: '95', shiftStart: '18:00', shiftEnd: '08:00', maxVisits: 'diez', hasBreak: true, breakStart: '15:00', breakEnd: '13:00', breakMinutes: '0' };
    expect(fromForm(form)).toEqual({
      errors: {
        officeLat: 'planSettings.error.lat',
        shiftEnd: 'planSettings.error.shiftOrder',
        maxVisits: 'planSettings.error.maxVisits',
        breakEnd: 'planSettings.error.breakOrder',
        breakMinutes: 'planSettings.error.breakMinutes',
      },
    });
    expect(fromForm({ ...toForm(read), officeLon: '' })).toEqual({ errors: { office: 'planSettings.error.officeBoth' } });
    expect(fromForm({ ...toForm(read), shiftStart: '' })).toEqual({ errors: { shiftStart: 'planSettings.error.time' } });
  });

  it('keeps a shift to midnight, which the time input shows as 23:59', () => {
    const form = toForm({ ...read, shift: { start: '14:00', end: '24:00' } });
    expect(form.shiftEnd).toBe('23:59');
    expect(fromForm(form, true)).toMatchObject({ body: { shift: { start: '14:00', end: '24:00' } } });
  });
});
