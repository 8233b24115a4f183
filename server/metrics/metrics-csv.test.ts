import { describe, expect, it } from 'vitest';
import type { CollectorDayMetrics } from '../contract/metrics.ts';
import { metricsToCsv } from './metrics-csv.ts';

const row: CollectorDayMetrics = {
  collectorId: 7, collectorName: 'Ana García', teamId: 2, teamName: 'Peñitas', day: '2026-11-20', timeZone: 'America/Bogota',
  plannedKm: 9.92, drivenKm: 8.5, visitsPlanned: 14, visitsCompleted: 10, visitsWithPayment: 6, effectiveRate: 0.6,
  collected: 12850, promised: 600, due: 15000, timedVisits: 9, onSiteMin: 81, avgVisitMin: 9, idleMin: 20, movingMin: 95,
  firstReport: '2026-11-20T14:00:00.000Z', lastReport: '2026-11-20T23:30:00.000Z',
};

describe('the metrics CSV', () => {
  it('starts with the UTF-8 byte-order mark, so Excel reads "García" and not "GarcÃ­a"', () => {
    const bytes = Buffer.from(metricsToCsv([row], 'MXN'), 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.slice(1).startsWith('day,collectorId,collectorName,')).toBe(true);
    expect(text).toContain(',Ana García,2,Peñitas,');
    // Report times in the team's zone (Bogotá, UTC−5).
    expect(text).toContain(',2026-11-20T09:00:00-05:00,2026-11-20T18:30:00-05:00\r\n');
  });
});
