import type { LivePosition } from '$contract/live.ts';
import type { StateContext } from '../collector-state.ts';
import { isAtVisit } from './at-visit.ts';
import { openEvents } from './events.svelte.ts';
import { operations } from './operations.svelte.ts';

/**
 * SOS (see `marksSos`), route deviation (see `marksDeviation`) and at-visit for one collector, from
 * the wall's open events and today's visits. Reads rune state: inside a `$derived` it re-runs when either changes.
 */
export function stateContext(collectorId: number, last: Pick<LivePosition, 'lat' | 'lon' | 'speedKph'> | null): StateContext {
  const visits = operations.visitsByCollector.get(collectorId);
  return {
    sos: openEvents.sos.has(collectorId),
    inDeviation: openEvents.deviating.has(collectorId),
    atVisit: last !== null && visits !== undefined && isAtVisit(last.lat, last.lon, last.speedKph, visits),
  };
}
