import { describe, expect, it } from 'vitest';
import type { CollectorDayMetrics } from '$contract/metrics.ts';
import { detailRow, everyDay, sortSummaries } from './metrics-summary.ts';

function row(over: Partial<CollectorDayMetrics>): CollectorDayMetrics {
  return {
    collectorId: 1, collectorName: 'Ana', teamId: 1, teamName: 'Norte', day: '2026-11-20', timeZone: 'America/Mexico_City', plannedKm: null, drivenKm: 0,
    visitsPlanned: 0, visitsCompleted: 0, visitsWithPayment: 0, effectiveRate: null, collected: 0, promised: 0, due: 0,
    timedVisits: 0, onSiteMin: 0, avgVisitMin: null, idleMin: 0, movingMin: 0, firstReport: null, lastReport: null, ...over,
  };
}

const collator = new Intl.Collator('es-MX', { sensitivity: 'base' });

describe('metrics table rows', () => {
  it('a collector-day keeps its figures, keyed by collector and day', () => {
    const d = detailRow(row({ collectorId: 7, collectorName: 'Rosa', day: '2026-11-21', drivenKm: 5.67, avgVisitMin: 8.3, firstReport: '2026-11-21T15:00:00.000Z' }));
    expect(d).toMatchObject({ key: '7:2026-11-21', label: 'Rosa', day: '2026-11-21', teamName: 'Norte', timeZone: 'America/Mexico_City', collectors: 1, drivenKm: 5.67, avgVisitMin: 8.3, firstReport: '2026-11-21T15:00:00.000Z' });
  });

  it('sorts either way with the empty figures last, names by Spanish collation', () => {
    const rows = [
      detailRow(row({ collectorId: 1, collectorName: 'Ña', avgVisitMin: null })),
      detailRow(row({ collectorId: 2, collectorName: 'Oscar', avgVisitMin: 5 })),
      detailRow(row({ collectorId: 3, collectorName: 'Nico', avgVisitMin: 9 })),
    ];
    expect(sortSummaries(rows, 'avgVisitMin', 'asc', collator).map((r) => r.label)).toEqual(['Oscar', 'Nico', 'Ña']);
    expect(sortSummaries(rows, 'avgVisitMin', 'desc', collator).map((r) => r.label)).toEqual(['Nico', 'Oscar', 'Ña']);
    expect(sortSummaries(rows, 'label', 'asc', collator).map((r) => r.label)).toEqual(['Nico', 'Ña', 'Oscar']);
    expect(sortSummaries(rows, 'label', 'desc', collator).map((r) => r.label)).toEqual(['Oscar', 'Ña', 'Nico']);
  });
});

describe('everyDay', () => {
  it('gives every day of the range, across a month end, with its row or null', () => {
    const day = (key: string) => ({ ...detailRow(row({})), key });
    const days = everyDay('2026-11-29', '2026-12-02', [day('2026-11-30'), day('2026-12-02')]);
    expect(days.map((d) => [d.day, d.row?.key ?? null])).toEqual([
      ['2026-11-29', null],
      ['2026-11-30', '2026-11-30'],
      ['2026-12-01', null],
      ['2026-12-02', '2026-12-02'],
    ]);
    expect(everyDay('2026-12-02', '2026-12-02', [])).toEqual([{ day: '2026-12-02', row: null }]);
  });
});
