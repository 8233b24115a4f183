import { describe, expect, it } from 'vitest';
import { collectorPatch, filterCollectors } from './team-rows.ts';

/** The wall's searchKey (fleet.svelte.ts, which needs SvelteKit to load). */
const searchKey = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

const collector = (name: string, teamName: string | null, devices: string[] = []) => ({ name, teamName, devices: devices.map((uniqueId) => ({ uniqueId, protocol: 'mqtt', active: true })) });

describe('filterCollectors', () => {
  const rows = [collector('José Pérez', 'Centro', ['jose-phone']), collector('Ana Ruiz', 'Norte'), collector('Beto Soto', null, ['359339081234567'])];

  it("finds a collector by name without minding case or accents, by team, or by one of their devices' ids", () => {
    expect(filterCollectors(rows, 'jose', searchKey).map((c) => c.name)).toEqual(['José Pérez']);
    expect(filterCollectors(rows, '  NORTE ', searchKey).map((c) => c.name)).toEqual(['Ana Ruiz']);
    expect(filterCollectors(rows, '3593390', searchKey).map((c) => c.name)).toEqual(['Beto Soto']);
    expect(filterCollectors(rows, 'zz', searchKey)).toEqual([]);
  });

  it('lists everyone for an empty search', () => {
    expect(filterCollectors(rows, '   ', searchKey)).toHaveLength(3);
  });
});

describe('collectorPatch', () => {
  const ana = { name: 'Ana Ruiz', teamId: 1 };

  it('sends only what changed, so a rename is never refused for holding visits', () => {
    expect(collectorPatch(ana, { name: ' Ana García ', phone: '', teamId: 1 })).toEqual({ name: 'Ana García' });
    expect(collectorPatch(ana, { name: 'Ana Ruiz', phone: ' 33 1234 5678 ', teamId: 1 })).toEqual({ phone: '33 1234 5678' });
    expect(collectorPatch(ana, { name: 'Ana Ruiz', phone: '', teamId: 2 })).toEqual({ teamId: 2 });
    expect(collectorPatch(ana, { name: 'Ana Ruiz', phone: '', teamId: 1 })).toEqual({});
  });
});
