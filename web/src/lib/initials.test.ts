import { describe, expect, it } from 'vitest';
import { initials } from './initials.ts';

describe('initials', () => {
  it('takes the given name and the first surname', () => {
    expect(initials('Ana Ruiz')).toBe('AR');
    expect(initials('Sara López García')).toBe('SL');
    expect(initials('  Diego   Despacho ')).toBe('DD');
  });

  it('passes over lower-case particles, and keeps accented letters', () => {
    expect(initials('Juan de la Cruz')).toBe('JC');
    expect(initials('Ángel Ñúñez')).toBe('ÁÑ');
  });

  it('writes a lower-case name in capitals, and one word as one letter', () => {
    expect(initials('ana ruiz')).toBe('AR');
    expect(initials('Admin')).toBe('A');
  });

  it('falls back to the email when the name has no letters', () => {
    expect(initials('', 'pablo@test.local')).toBe('P');
    expect(initials('1234', '')).toBe('?');
  });
});
