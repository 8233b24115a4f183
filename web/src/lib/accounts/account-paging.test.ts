import { describe, expect, it } from 'vitest';
import { clampOffset, listQuery, pageInfo, PAGE_SIZE } from './account-paging.ts';

describe('listQuery', () => {
  it("asks for one page, and only for the filters set, by the route's parameter names", () => {
    expect(listQuery({ search: '  ', unlocated: false, teamId: null }, 0)).toBe(`limit=${PAGE_SIZE}&offset=0`);
    const q = new URLSearchParams(listQuery({ search: ' Peña 50% ', unlocated: true, teamId: 3 }, 100));
    expect(Object.fromEntries(q)).toEqual({ limit: String(PAGE_SIZE), offset: '100', search: 'Peña 50%', located: 'false', teamId: '3' });
  });

  it('cuts a search to the 200 characters the route takes', () => {
    expect(new URLSearchParams(listQuery({ search: 'x'.repeat(500), unlocated: false, teamId: null }, 0)).get('search')).toHaveLength(200);
  });
});

describe('pageInfo', () => {
  it('numbers the rows on screen and offers the pages either side', () => {
    expect(pageInfo(120, 0, 50)).toEqual({ from: 1, to: 50, total: 120, prev: null, next: 50 });
    expect(pageInfo(120, 50, 50)).toEqual({ from: 51, to: 100, total: 120, prev: 0, next: 100 });
    expect(pageInfo(120, 100, 20)).toEqual({ from: 101, to: 120, total: 120, prev: 50, next: null });
  });

  it('has nothing to number on an empty list', () => {
    expect(pageInfo(0, 0, 0)).toEqual({ from: 0, to: 0, total: 0, prev: null, next: null });
  });

  it('brings an offset past the end back to the last page with rows', () => {
    expect(clampOffset(120, 150)).toBe(100);
    expect(clampOffset(100, 100)).toBe(50);
    expect(clampOffset(0, 50)).toBe(0);
    expect(clampOffset(120, 50)).toBe(50);
  });
});
