import { describe, expect, it } from 'vitest';
import { collectorPatch, filterCollectors } from './team-rows.ts';

/** The wall's searchKey (fleet.svelte.ts, which needs SvelteKit to load). */
const searchKey = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

const collector = (name: string, teamName: string | null, devices: string[] = [], phone: string | null = null) => ({
  name,
  teamName,
  phone,
  devices: devices.map((uniqueId) => ({ uniqueId, protocol: 'mqtt', active: true })),
});

describe('filterCollectors', () => {
  const rows = [collector('José Pérez', 'Centro', ['jose-phone']), collector('Ana Ruiz', 'Norte'), collector('Beto Soto', null, ['359339081234567'])];

  it("finds a collector by name without minding case or accents, by team, or by one of their devices' ids", () => {
    expect(filterCollectors(rows, 'jose', searchKey).map((c) => c.name)).toEqual(['José Pérez']);
    expect(filterCollectors(rows, '  NORTE ', searchKey).map((c) => c.name)).toEqual(['Ana Ruiz']);
    expect(filterCollectors(rows, '3593390', searchKey).map((c) => c.name)).toEqual(['Beto Soto']);
    expect(filterCollectors(rows, 'zz', searchKey)).toEqual([]);
  });

  it('finds a collector by phone, spaced or dashed either way, and leaves digits in words to the other fields', () => {
    const phones = [collector('Ana Ruiz', 'Centro', [], '33 1234-5678'), collector('Beto Soto', 'Centro', ['ana-2'], '+52 (55) 9876 5432'), collector('Ciro Lara', 'Norte 2')];
    const found = (q: string) => filterCollectors(phones, q, searchKey).map((c) => c.name);
    expect(found('3312345678')).toEqual(['Ana Ruiz']);
    expect(found('1234 5678')).toEqual(['Ana Ruiz']);
    expect(found('55-9876')).toEqual(['Beto Soto']);
    expect(found('+52 55')).toEqual(['Beto Soto']);
    // "Norte 2" is a team's name, not a phone: its digit matches no phone that merely holds a 2.
    expect(found('norte 2')).toEqual(['Ciro Lara']);
    expect(found('ana-2')).toEqual(['Beto Soto']);
  });

  it('lists everyone for an empty search', () => {
    expect(filterCollectors(rows, '   ', searchKey)).toHaveLength(3);
  });
});

describe('collectorPatch', () => {
  const ana = { name: 'Ana Ruiz', phone: '33 1234 5678', teamId: 1 };
  const edited = (form: Partial<{ name: string; phone: string; teamId: number | null }>) => ({ name: ana.name, phone: ana.phone, teamId: ana.teamId, ...form });

  it('sends only what changed, so a rename is never refused for holding visits', () => {
    expect(collectorPatch(ana, edited({ name: ' Ana García ' }))).toEqual({ name: 'Ana García' });
    expect(collectorPatch(ana, edited({ phone: ' 33 8765 4321 ' }))).toEqual({ phone: '33 8765 4321' });
    expect(collectorPatch(ana, edited({ teamId: 2 }))).toEqual({ teamId: 2 });
    expect(collectorPatch(ana, edited({}))).toEqual({});
  });

  it('keeps the phone the box was filled with, and removes it when the box is emptied', () => {
    expect(collectorPatch(ana, edited({ phone: ' 33 1234 5678 ' }))).toEqual({});
    expect(collectorPatch({ ...ana, phone: ' 33 1234 5678' }, edited({ name: 'Ana García', phone: '33 1234 5678' }))).toEqual({ name: 'Ana García' });
    expect(collectorPatch(ana, edited({ phone: '  ' }))).toEqual({ phone: null });
    expect(collectorPatch({ ...ana, phone: null }, edited({ phone: '' }))).toEqual({});
    expect(collectorPatch({ ...ana, phone: null }, edited({ phone: '33 1111 2222' }))).toEqual({ phone: '33 1111 2222' });
  });
});
