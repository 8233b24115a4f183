import { latestStart, startAfter, type Problem } from '../problem/problem.ts';

/**
 * One vehicle's ordered jobs plus the caches that make move evaluation O(1):
 * positions 0 (start depot) … size+1 (end depot), forward earliest service start
 * and departure, backward latest service start (Savelsbergh 1992 forward time /
 * slack), prefix costs forward and reversed, prefix loads.
 *
 * A break (see Problem.jobCount) sits at its predecessor's location: no travel
 * to it, and the leg after it is driven from there.
 *
 * With several windows per job the feasible service starts at a position form
 * "windows ∩ (−∞, latest]", so an arrival a at position p is feasible exactly when
 * a ≤ latest[p]: the next window start at or after a is then ≤ latest[p].
 */
export class Route {
  jobs: number[] = [];
  /** Leading jobs frozen in place (done, in progress, locked). */
  fixed = 0;
  cost = 0;
  loc = new Int32Array(0);
  earliest = new Float64Array(0);
  departure = new Float64Array(0);
  latest = new Float64Array(0);
  cumCost = new Float64Array(0);
  revCost = new Float64Array(0);
  /** Prefix sums: cumDelivery[p * dims + d] = deliveries of jobs at positions 1..p. */
  cumDelivery = new Float64Array(0);
  cumPickup = new Float64Array(0);

  constructor(
    readonly problem: Problem,
    readonly vehicle: number,
  ) {}

  get size(): number {
    return this.jobs.length;
  }

  /** Travel cost of the route, recomputed into the caches. False when the order breaks a window or the shift. */
  update(): boolean {
    const p = this.problem;
    const v = this.vehicle;
    const n = this.jobs.length;
    const len = n + 2;
    const dims = p.dimensions;
    if (this.loc.length < len) {
      const cap = Math.max(len, this.loc.length * 2, 8);
      this.loc = new Int32Array(cap);
      this.earliest = new Float64Array(cap);
      this.departure = new Float64Array(cap);
      this.latest = new Float64Array(cap);
      this.cumCost = new Float64Array(cap);
      this.revCost = new Float64Array(cap);
      this.cumDelivery = new Float64Array(cap * dims);
      this.cumPickup = new Float64Array(cap * dims);
    }
    const D = p.durations[v];
    const C = p.costs[v];
    const side = p.side;
    const loc = this.loc;
    const isBreak = p.isBreak;
    loc[0] = p.vehicleStart[v];
    // A break carries its predecessor's location: it is taken there, before driving on.
    for (let i = 0; i < n; i++) loc[i + 1] = isBreak[this.jobs[i]] === 1 ? loc[i] : p.jobLocation[this.jobs[i]];
    loc[n + 1] = p.vehicleEnd[v];

    this.earliest[0] = p.shiftStart[v];
    this.departure[0] = p.shiftStart[v];
    this.cumCost[0] = 0;
    this.revCost[0] = 0;
    for (let d = 0; d < dims; d++) {
      this.cumDelivery[d] = 0;
      this.cumPickup[d] = 0;
    }
    for (let q = 1; q < len; q++) {
      const a = loc[q - 1];
      const b = loc[q];
      const stay = q <= n && isBreak[this.jobs[q - 1]] === 1;
      const arrival = this.departure[q - 1] + (stay ? 0 : D[a * side + b]);
      this.cumCost[q] = this.cumCost[q - 1] + (stay ? 0 : C[a * side + b]);
      this.revCost[q] = this.revCost[q - 1] + (stay ? 0 : C[b * side + a]);
      if (q <= n) {
        const j = this.jobs[q - 1];
        const s = startAfter(p, j, arrival);
        this.earliest[q] = s;
        this.departure[q] = s + p.jobService[j];
        for (let d = 0; d < dims; d++) {
          this.cumDelivery[q * dims + d] = this.cumDelivery[(q - 1) * dims + d] + p.jobDelivery[j * dims + d];
          this.cumPickup[q * dims + d] = this.cumPickup[(q - 1) * dims + d] + p.jobPickup[j * dims + d];
        }
      } else {
        this.earliest[q] = arrival;
        this.departure[q] = arrival;
      }
    }
    this.latest[n + 1] = p.shiftEnd[v];
    const leg = (q: number) => (q <= n && isBreak[this.jobs[q - 1]] === 1 ? 0 : D[loc[q - 1] * side + loc[q]]);
    for (let q = n; q >= 1; q--) {
      const j = this.jobs[q - 1];
      const t = this.latest[q + 1] - leg(q + 1) - p.jobService[j];
      this.latest[q] = latestStart(p, j, t);
    }
    this.latest[0] = this.latest[1] - leg(1);
    this.cost = this.cumCost[n + 1];
    return this.earliest[n + 1] <= p.shiftEnd[v] && this.latest[0] >= p.shiftStart[v];
  }

  /** Total delivery (dimension d) of the route. */
  delivery(d: number): number {
    return this.cumDelivery[this.jobs.length * this.problem.dimensions + d];
  }

  pickup(d: number): number {
    return this.cumPickup[this.jobs.length * this.problem.dimensions + d];
  }
}

/**
 * Whether the load never exceeds capacity along `jobs` on vehicle v: the vehicle
 * leaves with every delivery on board and collects pickups as it goes (VROOM's
 * single-location-depot semantics).
 */
export function loadsFit(p: Problem, v: number, jobs: readonly number[]): boolean {
  const dims = p.dimensions;
  for (let d = 0; d < dims; d++) {
    const cap = p.capacity[v * dims + d];
    let load = 0;
    for (const j of jobs) load += p.jobDelivery[j * dims + d];
    if (load > cap) return false;
    for (const j of jobs) {
      load += p.jobPickup[j * dims + d] - p.jobDelivery[j * dims + d];
      if (load > cap) return false;
    }
  }
  return true;
}
