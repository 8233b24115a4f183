import { describe, expect, it } from 'vitest';
import { clockFormat, makeFormatters, moneyLocale } from './format.ts';

const es = makeFormatters('es-MX', 'America/Mexico_City', 'MXN');
const en = makeFormatters('en-US', 'America/Mexico_City', 'MXN');

describe('formatters', () => {
  it('says how old a report is, in whole units, never in the future', () => {
    expect(es.ago(12_400)).toBe('hace 12 s');
    expect(es.ago(-800)).toBe('hace 0 s');
    expect(es.ago(3 * 60_000 + 59_000)).toBe('hace 3 min');
    expect(es.ago(2 * 3_600_000)).toBe('hace 2 h');
    expect(en.ago(12_400)).toBe('12s ago');
    expect(en.ago(45 * 60_000)).toBe('45m ago');
  });

  it('formats money in the account currency', () => {
    expect(es.money(1234.5)).toBe('$1,234.50');
    expect(en.money(1234.5)).toBe('MX$1,234.50');
  });

  it('writes a team’s money as it is written where it is spent, in Spanish', () => {
    // Intl puts a no-break space between the symbol and the figure.
    // A Bogotá team read "COP 150,000.00" (Mexico's style) before: Colombians write "$ 150.000".
    expect(makeFormatters('es-MX', 'America/Bogota', 'COP').money(150_000)).toBe('$\u00a0150.000');
    expect(makeFormatters('es-MX', 'America/Lima', 'PEN').money(1234.5)).toBe('S/\u00a01,234.50');
    expect(makeFormatters('en-US', 'America/Bogota', 'COP').money(150_000)).toBe('COP\u00a0150,000');
    // Another currency keeps its code, written the team's way.
    expect(new Intl.NumberFormat(moneyLocale('es-MX', 'COP'), { style: 'currency', currency: 'USD' }).format(20)).toBe('US$\u00a020,00');
    expect(moneyLocale('es-MX', 'XAF')).toBe('es-MX');
  });

  it('formats speed, battery and counts', () => {
    expect(es.speed(23.4)).toBe('23 km/h');
    expect(es.percent(47)).toBe('47%');
    expect(en.percent(47)).toBe('47%');
    expect(es.count(2000)).toBe('2,000');
  });

  it('formats distances and durations', () => {
    expect(es.distanceKm(12.345)).toBe('12.3 km');
    expect(es.duration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
    expect(en.duration(12 * 60_000 + 29_000)).toBe('12 min');
  });

  it('prints times in the team time zone, on the 24-hour clock in both languages', () => {
    // 19:05 UTC is 13:05 in Mexico City (UTC-6, no DST since 2022).
    const afternoon = Date.UTC(2026, 10, 23, 19, 5, 9);
    expect(en.time(afternoon)).toBe('13:05:09');
    expect(es.time(afternoon)).toBe('13:05:09');
    expect(es.dateTime(afternoon)).toBe('23 nov 2026, 13:05:09');
    expect(en.dateTime(afternoon)).toBe('Nov 23, 2026, 13:05:09');
    expect(es.time(Date.UTC(2026, 10, 23, 6, 5, 9))).toBe('00:05:09');
  });

  it('builds every time-of-day format alike: the board, the replay and the metrics read the same clock', () => {
    const at = Date.UTC(2026, 10, 23, 15, 50);
    for (const tag of ['es-MX', 'en-US']) {
      expect(clockFormat(tag, 'America/Mexico_City').format(at)).toBe('09:50');
      expect(clockFormat(tag, 'America/Bogota').format(at)).toBe('10:50');
    }
    expect(clockFormat('es-MX', 'America/Bogota', { date: 'day' }).format(at)).toBe('23 nov, 10:50');
    expect(clockFormat('en-US', 'America/Bogota', { zoneName: true }).format(at)).toBe('10:50 GMT-5');
  });
});
