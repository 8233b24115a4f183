/**
 * ETAs along a route, with the solver's timing rules (VROOM's): leave the start
 * at `departS`, drive the matrix time, wait for the window to open, serve, move
 * on. A window bounds when service may start. All times are seconds since
 * local midnight.
 */
export interface ScheduleStop {
  location: number;
  serviceS: number;
  window: readonly [number, number] | null;
}

export interface ScheduledStop {
  arrivalS: number;
  waitS: number;
  startS: number;
  departureS: number;
  travelS: number;
  distanceM: number;
}

export interface Schedule {
  stops: ScheduledStop[];
  endS: number;
  /** The last leg, back to the end. */
  returnTravelS: number;
  returnDistanceM: number;
  distanceM: number;
  travelS: number;
  serviceS: number;
  waitS: number;
}

export interface Matrix {
  size: number;
  durations: ArrayLike<number>;
  distances: ArrayLike<number>;
}

export function scheduleRoute(m: Matrix, start: number, end: number, departS: number, stops: readonly ScheduleStop[]): Schedule {
  let at = departS;
  let here = start;
  let distanceM = 0;
  let travelS = 0;
  let serviceS = 0;
  let waitS = 0;
  const out: ScheduledStop[] = [];
  for (const s of stops) {
    const legS = m.durations[here * m.size + s.location];
    const legM = m.distances[here * m.size + s.location];
    const arrivalS = at + legS;
    const startS = Math.max(arrivalS, s.window?.[0] ?? -Infinity);
    const departureS = startS + s.serviceS;
    out.push({ arrivalS, waitS: startS - arrivalS, startS, departureS, travelS: legS, distanceM: legM });
    distanceM += legM;
    travelS += legS;
    serviceS += s.serviceS;
    waitS += startS - arrivalS;
    at = departureS;
    here = s.location;
  }
  const returnTravelS = stops.length === 0 ? 0 : m.durations[here * m.size + end];
  const returnDistanceM = stops.length === 0 ? 0 : m.distances[here * m.size + end];
  return {
    stops: out,
    endS: at + returnTravelS,
    returnTravelS,
    returnDistanceM,
    distanceM: distanceM + returnDistanceM,
    travelS: travelS + returnTravelS,
    serviceS,
    waitS,
  };
}
