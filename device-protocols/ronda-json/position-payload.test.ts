import { describe, expect, it } from 'vitest';
import { decodePositionPayload, type PayloadItem } from './position-payload.ts';

const at = (ts: unknown): PayloadItem => decodePositionPayload(JSON.stringify({ ts, lat: 20.6767, lon: -103.3475 }))[0];
const fixTime = (ts: unknown): string | undefined => {
  const item = at(ts);
  return item.ok ? item.position.fixTime.toISOString() : undefined;
};
const BAD_TS = 'ts missing, or neither ISO-8601 with a zone (2026-11-30T10:15:00-06:00) nor epoch milliseconds';

describe('decodePositionPayload: ts (SPEC §5, the rule check-ins and payments follow)', () => {
  it('reads ISO-8601 with a zone, in either offset spelling, and epoch milliseconds', () => {
    expect(fixTime('2026-11-30T10:15:00-06:00')).toBe('2026-11-30T16:15:00.000Z');
    expect(fixTime('2026-11-30 10:15:00.5-0600')).toBe('2026-11-30T16:15:00.500Z');
    expect(fixTime('2026-11-30T16:15:00.123456Z')).toBe('2026-11-30T16:15:00.123Z');
    expect(fixTime('2024-02-29T12:00:00Z')).toBe('2024-02-29T12:00:00.000Z');
    expect(fixTime(Date.UTC(2026, 10, 30, 16, 15))).toBe('2026-11-30T16:15:00.000Z');
    expect(fixTime(String(Date.UTC(2026, 10, 30, 16, 15)))).toBe('2026-11-30T16:15:00.000Z');
  });

  it('refuses what Date.parse rolled over or guessed (stored as 2 March, in the server zone, or at all)', () => {
    for (const ts of ['2026-02-30T10:00:00Z', '2026-11-30T24:00:00Z', '2026-11-30T10:15:00', 'November 29, 2026 10:00', '2026-11-30T10:15:00+15:00', ' ', true, null]) {
      expect(at(ts), JSON.stringify(ts)).toEqual({ ok: false, index: 0, reason: BAD_TS });
    }
    expect(decodePositionPayload(JSON.stringify({ lat: 20.6767, lon: -103.3475 }))).toEqual([{ ok: false, index: 0, reason: BAD_TS }]);
  });

  it('refuses only the item with a bad time; the rest of the batch decodes', () => {
    const items = decodePositionPayload(JSON.stringify([
      { ts: '2026-11-30T10:00:00Z', lat: 20.67, lon: -103.34 },
      { ts: '2026-02-30T10:00:00Z', lat: 20.68, lon: -103.34 },
      { ts: '2026-11-30T10:15:00', lat: 20.69, lon: -103.34 },
      { ts: '2026-11-30T10:30:00-06:00', lat: 20.7, lon: -103.34 },
    ]));
    expect(items.map((it) => (it.ok ? it.position.fixTime.toISOString() : it))).toEqual([
      '2026-11-30T10:00:00.000Z',
      { ok: false, index: 1, reason: BAD_TS },
      { ok: false, index: 2, reason: BAD_TS },
      '2026-11-30T16:30:00.000Z',
    ]);
  });
});

describe('decodePositionPayload: attrs', () => {
  it('passes attributes nested 20,000 deep on without walking them (ingest refuses them, with a reason)', () => {
    const depth = 20_000;
    const payload = `{"ts":"2026-11-30T10:00:00Z","lat":20.67,"lon":-103.34,"attrs":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    const [item] = decodePositionPayload(payload);
    expect(item.ok).toBe(true);
  });
});
