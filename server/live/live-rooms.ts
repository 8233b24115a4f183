import type { SessionUser } from '../contract/auth.ts';
import type { LivePosition, LiveVisit } from '../contract/live.ts';
import type { PlanOut } from '../contract/plan.ts';
import { NO_ONE, collectorScope, readScope } from '../operations/actor.ts';
import { concernsCollector, ownRoute } from '../plans/own-route.ts';
import type { LiveDelta } from './joining-clients.ts';

/**
 * Who a live client may see, as the REST API confines them (operations/actor.ts): every team
 * (team null), one team, or within one team only one collector — a collector watching their own day.
 */
export interface LiveScope {
  team: number | null;
  collector: number | null;
}

export const ALL = 'all';
export const teamRoom = (teamId: number) => `team:${teamId}`;
export const collectorRoom = (collectorId: number) => `collector:${collectorId}`;
/** A team's collectors, for what concerns each of them and names no one (`collectors`: reload your row). */
export const crewRoom = (teamId: number) => `crew:${teamId}`;

export function liveScope(user: SessionUser): LiveScope {
  const team = readScope(user);
  const collector = collectorScope(user);
  // A collector of no team sees no one, as GET /api/collectors answers them.
  return { team, collector: collector !== null && team === NO_ONE ? NO_ONE : collector };
}

/** The rooms a client of this scope is in: the all-teams room, its team's, or its own collector's and its team's crew. */
export function roomsOf(scope: LiveScope): string[] {
  if (scope.collector !== null) return [collectorRoom(scope.collector), crewRoom(scope.team ?? NO_ONE)];
  return [scope.team === null ? ALL : teamRoom(scope.team)];
}

/** One emit: these rooms get this payload. */
export interface Delivery {
  rooms: string[];
  payload: unknown;
}

/**
 * Where a record or event of `teamIds` goes: whole to the teams' rooms and the all-teams room; to a
 * collector's room only what concerns them (their own visit, check-in, payment or event; of a
 * plan, their own route). No room gets two deliveries of one delta, so a held client takes the
 * first that reaches one of its rooms.
 */
export function deliveriesOf(name: LiveDelta, teamIds: readonly number[], payload: unknown): Delivery[] {
  const out: Delivery[] = [{ rooms: [...teamIds.map(teamRoom), ALL], payload }];
  switch (name) {
    case 'visit': {
      const { formerCollectorId, ...visit } = payload as LiveVisit;
      if (visit.collectorId !== null) out.push({ rooms: [collectorRoom(visit.collectorId)], payload: visit });
      // The collector it was taken from hears that it left their day, not whose it is now nor what was added for them.
      if (formerCollectorId !== undefined) out.push({ rooms: [collectorRoom(formerCollectorId)], payload: { ...visit, collectorId: null, note: null, formerCollectorId } });
      break;
    }
    case 'checkin':
    case 'payment':
    case 'event': {
      const { collectorId } = payload as { collectorId: number | null };
      if (collectorId !== null) out.push({ rooms: [collectorRoom(collectorId)], payload });
      break;
    }
    case 'plan': {
      const plan = payload as PlanOut;
      const ids = new Set([...plan.routes.map((r) => r.collectorId), ...plan.changedCollectorIds]);
      for (const id of ids) if (concernsCollector(plan, id)) out.push({ rooms: [collectorRoom(id)], payload: ownRoute(plan, id) });
      break;
    }
    case 'collectors':
      // Names teams only; a collector reloads GET /api/collectors, which answers with their own row.
      if (teamIds.length > 0) out.push({ rooms: teamIds.map(crewRoom), payload });
      break;
    case 'team':
      // A collector's own day shows times and money in their team's zone and currency too.
      out.push({ rooms: teamIds.map(crewRoom), payload });
      break;
    default:
      // A new delta reaches no collector until it says whom it concerns.
      name satisfies never;
  }
  // socket.io sends to every socket when given no room at all.
  return out.filter((d) => d.rooms.length > 0);
}

/** A flush's batch by room: whole to the all-teams room, each team's to its room, each collector's own to theirs. */
export function positionsByRoom(batch: readonly LivePosition[], teamOf: (p: LivePosition) => number | null | undefined): Map<string, LivePosition[]> {
  const rooms = new Map<string, LivePosition[]>();
  const add = (room: string, p: LivePosition) => {
    const list = rooms.get(room);
    if (list) list.push(p);
    else rooms.set(room, [p]);
  };
  for (const p of batch) {
    add(ALL, p);
    const team = teamOf(p);
    if (team != null) add(teamRoom(team), p);
    if (p.collectorId !== null) add(collectorRoom(p.collectorId), p);
  }
  return rooms;
}
