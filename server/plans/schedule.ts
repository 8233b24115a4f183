/**
 * ETAs along a route, with the solver's timing rules (VROOM's): leave the start
 * at `departS`, drive the matrix time (÷ speed factor), wait for the window to
 * open, serve, take a break there if one is due, move on. A window bounds when service may start. All times are seconds since
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

/** A break taken after `after` stops (0: before the first), where the collector is, before driving on. */
export interface ScheduleBreak {
  after: number;
  window: readonly [number, number];
  durationS: number;
}

export interface Schedule {
  stops: ScheduledStop[];
  breaks: { after: number; startS: number; endS: number }[];
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

export interface ScheduleOptions {
  /** Travel times are divided by it and rounded, as the solver does with a whole-second matrix. */
  speedFactor?: number;
  breaks?: readonly ScheduleBreak[];
}

/**
 * `start` or `end` undefined: an open route (VROOM's vehicle without start or end), which begins at
 * its first stop at `departS` or ends at its last, with no leg before or after.
 */
export function scheduleRoute(
  m: Matrix, start: number | undefined, end: number | undefined, departS: number, stops: readonly ScheduleStop[], options: ScheduleOptions = {},
): Schedule {
  const factor = options.speedFactor ?? 1;
  const travel = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? 0 : factor === 1 ? m.durations[a * m.size + b] : Math.round(m.durations[a * m.size + b] / factor);
  const metres = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? 0 : m.distances[a * m.size + b]);
  let at = departS;
  let here = start;
  let distanceM = 0;
  let travelS = 0;
  let serviceS = 0;
  let waitS = 0;
  const out: ScheduledStop[] = [];
  const breaks: Schedule['breaks'] = [];
  const takeBreaks = (after: number) => {
    for (const b of options.breaks ?? []) {
      if (b.after !== after) continue;
      const startS = Math.max(at, b.window[0]);
      waitS += startS - at;
      at = startS + b.durationS;
      breaks.push({ after, startS, endS: at });
    }
  };
  takeBreaks(0);
  for (const s of stops) {
    const legS = travel(here, s.location);
    const legM = metres(here, s.location);
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
    takeBreaks(out.length);
  }
  const returnTravelS = stops.length === 0 ? 0 : travel(here, end);
  const returnDistanceM = stops.length === 0 ? 0 : metres(here, end);
  return {
    stops: out,
    breaks,
    endS: at + returnTravelS,
    returnTravelS,
    returnDistanceM,
    distanceM: distanceM + returnDistanceM,
    travelS: travelS + returnTravelS,
    serviceS,
    waitS,
  };
}
