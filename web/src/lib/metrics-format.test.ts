import { describe, expect, it } from 'vitest';
import { makeMetricsFormat } from './metrics-format.ts';

// A manager's page reads the server's zone (Mexico City); 14:50 UTC is 08:50 there and 09:50 in Bogotá.
const at = '2026-11-20T14:50:00.000Z';

describe('metrics report times', () => {
  it("read in each row's team's zone, on the 24-hour clock, whatever zone the page is in", () => {
    for (const tag of ['es-MX', 'en-US']) {
      const fmt = makeMetricsFormat(tag, 'America/Mexico_City', 'MXN');
      expect(fmt.report(at, true, 'America/Bogota')).toBe('09:50');
      expect(fmt.report(at, true, 'America/Mexico_City')).toBe('08:50');
    }
    expect(makeMetricsFormat('es-MX', 'America/Mexico_City', 'MXN').report(at, false, 'America/Bogota')).toBe('20 nov, 09:50');
  });

  it('name the zone where a row sums teams of different zones, and print a dash for none', () => {
    const fmt = makeMetricsFormat('en-US', 'America/Mexico_City', 'MXN');
    expect(fmt.report(at, true, null)).toBe('08:50 CST');
    expect(fmt.report(null, true, 'America/Bogota')).toBe('—');
  });
});

describe('metrics money', () => {
  it("is written in the reader's country's style: another currency keeps its code, a Bogotá team's pesos read as in Bogotá", () => {
    expect(makeMetricsFormat('es-MX', 'America/Mexico_City', 'USD', 'MXN').money(75)).toBe('USD\u00a075.00');
    expect(makeMetricsFormat('es-MX', 'America/Mexico_City', 'MXN', 'MXN').money(75)).toBe('$75.00');
    expect(makeMetricsFormat('es-MX', 'America/Bogota', 'COP', 'COP').money(150_000)).toBe('$\u00a0150.000');
  });
});

describe('metrics figures in a column', () => {
  it('keep their decimals, so decimal points line up; chart axes read whole kilometres and their halves', () => {
    const fmt = makeMetricsFormat('es-MX', 'America/Mexico_City', 'MXN');
    expect([11, 13.85, 0.4].map(fmt.km)).toEqual(['11.00 km', '13.85 km', '0.40 km']);
    expect([2, 1.6, 0.25].map((v) => fmt.minutes(v).replace(/\s/g, ' '))).toEqual(['2.0 min', '1.6 min', '0.3 min']);
    expect(fmt.kmAxis(250)).toBe('250 km');
    expect([2.5, 5, 7.5, 12.5].map(fmt.kmAxis)).toEqual(['2.5 km', '5 km', '7.5 km', '12.5 km']);
  });
});
