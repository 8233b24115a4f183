import type { VehicleSpec } from '../routing/solver/index.ts';

/**
 * The vehicles with their visit cap under even share: min(their own max, ceil(visits / collectors
 * who can work)). One who can work has time in the day and room for a visit; the others keep their
 * own (they take nothing either way). Null when no cap comes out lower than the collector's own max:
 * the share changes nothing, and the day is planned as it would be without it.
 */
export function evenShareVehicles(vehicles: readonly VehicleSpec[], visits: number): VehicleSpec[] | null {
  const working = vehicles.filter(canWork);
  if (working.length === 0) return null;
  const share = Math.ceil(visits / working.length);
  const capped = vehicles.map((v) => (canWork(v) && share < (v.maxTasks ?? Infinity) ? { ...v, maxTasks: share } : v));
  return capped.some((v, i) => v !== vehicles[i]) ? capped : null;
}

const canWork = (v: VehicleSpec) => (v.maxTasks ?? Infinity) > 0 && (!v.shift || v.shift[0] < v.shift[1]);
