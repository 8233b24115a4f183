import { describe, expect, it } from 'vitest';
import type { CollectorDayMetrics } from '$contract/metrics.ts';
import { groupMetrics, sortSummaries, summarize } from './metrics-summary.ts';

function row(over: Partial<CollectorDayMetrics>): CollectorDayMetrics {
  return {
    collectorId: 1, collectorName: 'Ana', teamId: 1, teamName: 'Norte', day: '2026-11-20', plannedKm: null, drivenKm: 0,
    visitsPlanned: 0, visitsCompleted: 0, visitsWithPayment: 0, effectiveRate: null, collected: 0, promised: 0, due: 0,
    timedVisits: 0, onSiteMin: 0, avgVisitMin: null, idleMin: 0, movingMin: 0, firstReport: null, lastReport: null, ...over,
  };
}

const collator = new Intl.Collator('es-MX', { sensitivity: 'base' });

describe('metrics summaries', () => {
  it('recomputes rates from the summed counts, not as an average of daily rates', () => {
    // Day 1: 1 of 1 completed visits paid (100 %); day 2: 1 of 19 (5 %). Overall 2 of 20 = 10 %, not 52.6 %.
    const s = summarize([row({ visitsCompleted: 1, visitsWithPayment: 1, timedVisits: 1, onSiteMin: 30 }), row({ day: '2026-11-21', visitsCompleted: 19, visitsWithPayment: 1, timedVisits: 3, onSiteMin: 18 })], 'k', 'Ana');
    expect(s.effectiveRate).toBe(0.1);
    expect(s.avgVisitMin).toBe(12); // 48 min over 4 timed visits
    expect(s.day).toBeNull();
    expect(s.teamName).toBe('Norte');
  });

  it('keeps "no plan" apart from a planned zero, and spans first to last report', () => {
    expect(summarize([row({}), row({})], 'k', 'x').plannedKm).toBeNull();
    const s = summarize(
      [
        row({ plannedKm: 12.25, firstReport: '2026-11-20T15:00:00.000Z', lastReport: '2026-11-20T23:00:00.000Z' }),
        row({ plannedKm: null, firstReport: '2026-11-20T14:30:00.000Z', lastReport: '2026-11-20T20:00:00.000Z' }),
      ],
      'k',
      'x',
    );
    expect(s.plannedKm).toBe(12.25);
    expect(s.firstReport).toBe(Date.parse('2026-11-20T14:30:00.000Z'));
    expect(s.lastReport).toBe(Date.parse('2026-11-20T23:00:00.000Z'));
  });

  it('groups by collector, team and day; sums money to the cent', () => {
    const rows = [
      row({ collected: 0.1, due: 100 }),
      row({ collectorId: 2, collectorName: 'Beto', collected: 0.2, due: 50 }),
      row({ collectorId: 3, collectorName: 'Caro', teamId: null, teamName: null, day: '2026-11-21', collected: 5 }),
    ];
    expect(groupMetrics(rows, 'collector', '—').map((g) => g.label)).toEqual(['Ana', 'Beto', 'Caro']);
    const teams = groupMetrics(rows, 'team', 'Sin equipo');
    expect(teams.map((g) => [g.label, g.collected, g.due])).toEqual([['Norte', 0.3, 150], ['Sin equipo', 5, 0]]);
    expect(groupMetrics(rows, 'day', '—').map((g) => [g.label, g.rows])).toEqual([['2026-11-20', 2], ['2026-11-21', 1]]);
  });

  it('sorts either way with the empty figures last', () => {
    const rows = [summarize([row({ collectorName: 'Ña', avgVisitMin: null })], 'a', 'Ña'), summarize([row({ timedVisits: 1, onSiteMin: 5 })], 'b', 'Oscar'), summarize([row({ timedVisits: 1, onSiteMin: 9 })], 'c', 'Nico')];
    expect(sortSummaries(rows, 'avgVisitMin', 'asc', collator).map((r) => r.label)).toEqual(['Oscar', 'Nico', 'Ña']);
    expect(sortSummaries(rows, 'avgVisitMin', 'desc', collator).map((r) => r.label)).toEqual(['Nico', 'Oscar', 'Ña']);
    expect(sortSummaries(rows, 'label', 'asc', collator).map((r) => r.label)).toEqual(['Nico', 'Ña', 'Oscar']);
  });
});
