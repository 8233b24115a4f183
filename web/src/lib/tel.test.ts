import { describe, expect, it } from 'vitest';
import { telHref } from './tel.ts';

describe('telHref', () => {
  it('dials the number a person typed, however they spaced it', () => {
    expect(telHref('+52 33 1001 2001')).toBe('tel:+523310012001');
    expect(telHref('(33) 1234-5678')).toBe('tel:3312345678');
    expect(telHref(' 33.1234.5678 ')).toBe('tel:3312345678');
  });

  it('leaves out an extension or a note, which are not digits to dial', () => {
    expect(telHref('33 1234 5678 ext. 12')).toBe('tel:3312345678');
    expect(telHref('33 1234 5678 (casa)')).toBe('tel:3312345678');
  });

  it('gives no link for a phone with no number in it', () => {
    expect(telHref('no tiene')).toBeNull();
    expect(telHref('')).toBeNull();
  });
});
