import type { LiveVisit } from '$contract/live.ts';
import type { PlanOut } from '$contract/plan.ts';
import type { VisitOut } from '$contract/visit.ts';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { live } from '../live.svelte.ts';
import { signIn, stubApi, until } from '../testing/page-harness.ts';
import { BoardState } from './board-state.svelte.ts';

// The live link without a server: what the server emits is handed to live.svelte.ts's `onAny` listener.
const socket = vi.hoisted(() => ({ onAny: null as ((event: string, payload: unknown) => void) | null }));
vi.mock('socket.io-client', () => ({
  io: () => ({
    on: () => {},
    onAny: (listener: (event: string, payload: unknown) => void) => (socket.onAny = listener),
    disconnect: () => {},
    active: true,
  }),
}));
const emit = (event: string, payload: unknown) => {
  socket.onAny!(event, payload);
  flushSync();
};

const DATE = '2026-03-02';
const NORTE = 7;
const SUR = 9;
const visit = (id: number, over: Partial<LiveVisit> = {}): LiveVisit => ({
  id,
  accountId: 100 + id,
  accountName: `Deudor ${id}`,
  address: 'Av. Juárez 1',
  lat: 20.67,
  lon: -103.35,
  teamId: NORTE,
  collectorId: null,
  date: DATE,
  priority: 50,
  priorityOverride: false,
  window: null,
  serviceMinutes: 10,
  status: 'planned',
  outcome: null,
  note: null,
  version: 1,
  updatedBy: 'user:1',
  updatedAt: '2026-03-02T15:00:00.000Z',
  ...over,
});
/** A day plan of `teamId` with no route and nothing unassigned: the visits created after it wait as "new". */
const plan = (teamId: number): PlanOut => ({
  id: teamId,
  teamId,
  date: DATE,
  version: 1,
  kind: 'optimize',
  provider: 'haversine',
  timeZone: 'America/Mexico_City',
  createdBy: 'user:1',
  createdAt: '2026-03-02T14:00:00.000Z',
  routes: [],
  unassigned: [],
  changedCollectorIds: [],
});

/** GET /api/plans and GET /api/visits of each team, as the server answers them. */
function serve(plans: Record<number, PlanOut | null>, visits: Record<number, VisitOut[]>): void {
  stubApi({
    'GET /api/plans': (url: URL) => ({ plans: [plans[Number(url.searchParams.get('teamId'))]].filter(Boolean) }),
    'GET /api/visits': (url: URL) => ({ visits: visits[Number(url.searchParams.get('teamId'))] ?? [] }),
  });
}

/** An account of Norte moved to Sur (6a677dc): its open visit, now Sur's, goes to the team left (naming the collector it was taken from) and to Sur. */
const moved = (id: number, formerCollectorId?: number): LiveVisit => visit(id, { teamId: SUR, version: 3, updatedAt: '2026-03-02T16:00:00.000Z', ...(formerCollectorId ? { formerCollectorId } : {}) });

let board: BoardState;
beforeEach(() => {
  signIn('dispatcher', NORTE);
  live.connect('test-token', () => {});
  board = new BoardState();
  board.start();
});
afterEach(() => {
  board.stop();
  live.disconnect();
});

describe("the board: a visit whose account moved to another team leaves the team's board, live", () => {
  test('a day with no plan: the team left drops it from the day\'s visits, the team joined lists it', async () => {
    serve({ [NORTE]: null, [SUR]: null }, { [NORTE]: [visit(1), visit(2, { collectorId: 4, status: 'assigned', version: 2 })], [SUR]: [] });
    await board.open(NORTE, DATE);
    expect(board.missing).toBe(true);
    expect(board.dayVisits.map((v) => v.id)).toEqual([1, 2]);

    emit('visit', moved(2, 4));
    expect(board.dayVisits.map((v) => v.id)).toEqual([1]);
    expect(board.noVisits).toBe(false);
    emit('visit', moved(1));
    expect(board.dayVisits).toEqual([]);
    expect(board.noVisits).toBe(true);

    const sur = new BoardState();
    sur.start();
    await sur.open(SUR, DATE);
    emit('visit', moved(2));
    expect(sur.dayVisits.map((v) => [v.id, v.teamId, v.collectorId])).toEqual([[2, SUR, null]]);
    sur.stop();
  });

  test('a day with a plan that did not hold it: it leaves the unassigned column ("new") of the team left and joins the other\'s', async () => {
    serve({ [NORTE]: plan(NORTE), [SUR]: plan(SUR) }, { [NORTE]: [visit(1), visit(2)], [SUR]: [] });
    await board.open(NORTE, DATE);
    await until(() => board.unplanned.length === 2, 'the unplanned visits');
    const sur = new BoardState();
    sur.start();
    await sur.open(SUR, DATE);

    emit('visit', moved(2));
    expect(board.unplanned.map((v) => v.id)).toEqual([1]);
    expect(sur.unplanned.map((v) => v.id)).toEqual([2]);
    sur.stop();
  });

  test('a list read before the move does not bring it back', async () => {
    let answer: ((visits: VisitOut[]) => void) | null = null;
    stubApi({
      'GET /api/plans': { plans: [] },
      'GET /api/visits': () => new Promise<{ visits: VisitOut[] }>((resolve) => (answer = (visits) => resolve({ visits }))),
    });
    const opened = board.open(NORTE, DATE);
    await until(() => answer, "the day's visits asked for");
    emit('visit', moved(1, 4));
    answer!([visit(1, { collectorId: 4, status: 'assigned', version: 2 }), visit(2)]);
    await opened;
    expect(board.dayVisits.map((v) => v.id)).toEqual([2]);
  });
});
