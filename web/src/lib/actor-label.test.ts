import { describe, expect, it } from 'vitest';
import { localActor } from './actor-label.ts';
import { en } from './i18n/en.ts';
import { es } from './i18n/es.ts';

describe('localActor', () => {
  const inSpanish = (key: keyof typeof es) => es[key];
  it("puts a user's role in the dashboard's language", () => {
    expect(localActor('Despacho Centro (dispatcher)', inSpanish)).toBe('Despacho Centro (despacho)');
    expect(localActor('Sara (supervisor)', inSpanish)).toBe('Sara (supervisión)');
    expect(localActor('Despacho Centro (dispatcher)', (key) => en[key])).toBe('Despacho Centro (dispatcher)');
  });

  it("names a collector's device in the dashboard's language", () => {
    expect(localActor('device ana-phone', inSpanish)).toBe('el dispositivo ana-phone');
    expect(localActor('device ana-phone', (key) => en[key])).toBe('device ana-phone');
  });

  it('leaves other labels as they are: the system, a name that merely ends in parentheses', () => {
    expect(localActor('demo', inSpanish)).toBe('demo');
    expect(localActor('Ana (Centro)', inSpanish)).toBe('Ana (Centro)');
  });
});
