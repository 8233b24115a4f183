import type { PlanOut } from '$contract/plan.ts';
import type { VisitOut } from '$contract/visit.ts';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BoardState } from '../board/board-state.svelte.ts';
import { refusal, show, signIn, stubApi, switchLanguage, until } from '../testing/page-harness.ts';
import BoardNoticeBar from './BoardNoticeBar.svelte';

const DATE = '2026-03-02';
const plan: PlanOut = {
  id: 1,
  teamId: 7,
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
};
/** A visit created after the plan: it waits in the unassigned column, and can be given to a collector. */
const waiting = { id: 5, teamId: 7, date: DATE, collectorId: null, status: 'planned', version: 1, accountName: 'Deudor 5', priority: 50 } as VisitOut;

let close = () => {};
let board: BoardState;
beforeEach(() => {
  switchLanguage('es');
  signIn('dispatcher', 7);
  board = new BoardState();
  board.canWrite = true;
});
afterEach(() => close());

const alert = () => document.querySelector<HTMLElement>('[role="alert"] p')?.textContent?.trim();

describe("the board's notices follow a language switch", () => {
  test('"nothing to plan"', async () => {
    stubApi({ 'GET /api/plans': { plans: [] }, 'GET /api/visits': { visits: [waiting] }, 'POST /api/plans/optimize': refusal(422, 'no_open_visits') });
    await board.open(7, DATE);
    close = show(BoardNoticeBar, { board });
    await board.optimize();
    expect(await until(alert, 'the notice')).toBe('No se pudo aplicar el cambio: no queda ninguna visita abierta que planificar ese día');

    switchLanguage('en');
    expect(alert()).toBe('Could not apply the change: no open visits are left to plan that day');
  });

  test('a change the re-plan could not keep (a window)', async () => {
    stubApi({ 'GET /api/plans': { plans: [plan] }, 'GET /api/visits': { visits: [waiting] }, 'POST /api/plans/2026-03-02/reassign': refusal(422, 'window') });
    await board.open(7, DATE);
    await until(() => board.versionOf(5) !== null, 'the waiting visit');
    close = show(BoardNoticeBar, { board });
    await board.move(5, 4);
    expect(await until(alert, 'the notice')).toBe('No se pudo aplicar el cambio: así no se llega a la visita dentro de su horario.');

    switchLanguage('en');
    expect(alert()).toBe('Could not apply the change: in that order the visit cannot be reached within its time window.');
  });

  test("the server's own words stay as they were said", async () => {
    stubApi({ 'GET /api/plans': { plans: [] }, 'GET /api/visits': { visits: [waiting] }, 'POST /api/plans/optimize': refusal(503, 'routing_down', {}, 'routing engine unavailable') });
    await board.open(7, DATE);
    close = show(BoardNoticeBar, { board });
    await board.optimize();
    expect(await until(alert, 'the notice')).toBe('No se pudo aplicar el cambio: routing engine unavailable');

    switchLanguage('en');
    expect(alert()).toBe('Could not apply the change: routing engine unavailable');
  });
});
