import { describe, expect, it } from 'vitest';
import { boardLink, importOutcome, isLocated, moneyWriter } from './account-rows.ts';

describe('moneyWriter', () => {
  it("writes amounts in the team's currency style, each in the account's own currency", () => {
    const bogota = moneyWriter('es-MX', 'COP');
    expect(bogota(150000, 'COP').replace(/\s/g, ' ')).toBe('$ 150.000');
    const mexico = moneyWriter('es-MX', 'MXN');
    expect(mexico(15200.5, 'MXN')).toBe('$15,200.50');
    // A dollar debt in a peso team keeps its code rather than reading as pesos.
    expect(mexico(75, 'USD').replace(/\s/g, ' ')).toBe('USD 75.00');
    expect(moneyWriter('en', 'MXN')(15200.5, 'MXN')).toBe('MX$15,200.50');
  });
});

describe('importOutcome', () => {
  const bad = [{ line: 3, externalId: 'A', code: 'noName' as const, values: {}, reason: 'name is empty' }];
  it('never calls an import with nothing written a success', () => {
    expect(importOutcome({ imported: 0, invalid: bad })).toBe('none');
    expect(importOutcome({ imported: 0, invalid: [] })).toBe('none');
    expect(importOutcome({ imported: 4, invalid: bad })).toBe('partial');
    expect(importOutcome({ imported: 4, invalid: [] })).toBe('ok');
  });
});

describe('isLocated and boardLink', () => {
  it('tells the accounts no visit can be routed to', () => {
    expect(isLocated({ lat: 20.6, lon: -103.3 })).toBe(true);
    expect(isLocated({ lat: null, lon: null })).toBe(false);
  });
  it("links to the board's day, and to the team an admin picked", () => {
    expect(boardLink('2026-12-01', null)).toBe('/board?date=2026-12-01');
    expect(boardLink('2026-12-01', 4)).toBe('/board?date=2026-12-01&team=4');
  });
});
