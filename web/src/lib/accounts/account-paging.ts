import type { AccountListQuery } from '$contract/account.ts';

/** Rows a page shows: a portfolio holds 100,000 accounts, the table never more than this. */
export const PAGE_SIZE = 50;

export interface AccountFilter {
  search: string;
  /** Only the accounts without coordinates, which no visit can be routed to. */
  unlocated: boolean;
  /** An admin's chosen team; null: the reader's own (the server scopes everyone else). */
  teamId: number | null;
}

/** GET /api/accounts's query for `filter` and the page starting at `offset`. */
export function listQuery(filter: AccountFilter, offset: number): string {
  // Named after the route's parameters: one it does not take is a 400.
  const q: Partial<Record<keyof AccountListQuery, string>> = { limit: String(PAGE_SIZE), offset: String(offset) };
  const search = filter.search.trim().slice(0, 200);
  if (search !== '') q.search = search;
  if (filter.unlocated) q.located = 'false';
  if (filter.teamId !== null) q.teamId = String(filter.teamId);
  return new URLSearchParams(q as Record<string, string>).toString();
}

export interface PageInfo {
  /** 1-based first and last row on screen; 0 and 0 when there are none. */
  from: number;
  to: number;
  total: number;
  prev: number | null;
  next: number | null;
}

/** Where the page starting at `offset` sits among `total` rows, and the offsets either side. */
export function pageInfo(total: number, offset: number, shown: number): PageInfo {
  return {
    from: shown === 0 ? 0 : offset + 1,
    to: offset + shown,
    total,
    prev: offset > 0 ? Math.max(0, offset - PAGE_SIZE) : null,
    next: offset + shown < total ? offset + PAGE_SIZE : null,
  };
}

/** An offset past the end (rows deleted, a narrower filter) goes back to the last page that has rows. */
export const clampOffset = (total: number, offset: number): number => (offset < total ? offset : Math.max(0, Math.floor((total - 1) / PAGE_SIZE) * PAGE_SIZE));
