import { describe, expect, it } from 'vitest';
import { MISSING_RETRY_MS, RELOAD_MIN_INTERVAL_MS, UnknownCollectors } from './unknown-collectors.ts';

const T0 = 1_000_000;

describe('UnknownCollectors', () => {
  it('brings a new collector in within SPEC §1\'s 2 s, even right after a reload', () => {
    const u = new UnknownCollectors();
    expect(u.seen(7, T0)).toBe(true);
    // The list loaded a moment ago (another collector joined): the wait is short, not the old 30 s.
    expect(u.delayMs(T0 - 200, T0)).toBe(RELOAD_MIN_INTERVAL_MS - 200);
    expect(u.delayMs(T0 - 200, T0)).toBeLessThanOrEqual(1_000);
    expect(u.delayMs(T0 - 60_000, T0)).toBe(0);
  });

  it('reloads at most once per RELOAD_MIN_INTERVAL_MS however many new collectors report', () => {
    const u = new UnknownCollectors();
    for (let id = 1; id <= 50; id++) u.seen(id, T0);
    expect([...u.begin()]).toHaveLength(50);
    expect(u.pending).toBe(false);
    expect(u.delayMs(T0, T0 + 10)).toBe(RELOAD_MIN_INTERVAL_MS - 10);
  });

  it('does not chase a collector the list still lacks after a reload (out of scope, inactive) for MISSING_RETRY_MS', () => {
    const u = new UnknownCollectors();
    u.seen(7, T0);
    u.seen(8, T0);
    u.loaded(u.begin(), (id) => id === 8, T0 + 300);
    expect(u.seen(7, T0 + 1_000)).toBe(false);
    expect(u.seen(7, T0 + 300 + MISSING_RETRY_MS - 1)).toBe(false);
    expect(u.pending).toBe(false);
    expect(u.seen(7, T0 + 300 + MISSING_RETRY_MS)).toBe(true);
  });

  it('keeps a collector first seen while a reload runs for the next one, rather than judging it by a list read before it existed', () => {
    const u = new UnknownCollectors();
    u.seen(7, T0);
    const requested = u.begin();
    u.seen(9, T0 + 100);
    u.loaded(requested, () => false, T0 + 300);
    expect(u.pending).toBe(true);
    expect([...u.begin()]).toEqual([9]);
  });
});
