import { describe, expect, it } from 'vitest';
import { solveVroom } from '../cases/solve-case.ts';
import { Random } from '../solver/random.ts';
import type { VroomInput } from '../vroom/types.ts';
import { checkSolution } from './check.ts';

/**
 * Random collection days through the whole VROOM path (parse → solve → write),
 * every solution judged by the independent checker: split windows, skills,
 * capacities with pickups, visit limits, speed factors and breaks together,
 * the combinations the hand-made cases do not reach.
 */
function randomDay(rng: Random): VroomInput {
  const places = 25 + rng.int(15);
  const xy = Array.from({ length: places }, () => [rng.int(10_000), rng.int(10_000)]);
  // Whole seconds at ~8 m/s.
  const durations = xy.map((a) => xy.map((b) => Math.round(Math.hypot(a[0] - b[0], a[1] - b[1]) / 8)));
  const day = (h: number) => Math.round(h * 3600);
  const jobs = Array.from({ length: places - 2 }, (_, i) => {
    const open = day(8.5 + rng.next() * 7);
    const split = rng.next() < 0.2;
    return {
      id: 100 + i,
      location_index: i + 2,
      service: 300 + rng.int(900),
      priority: rng.int(101),
      ...(rng.next() < 0.6 ? { time_windows: split ? [[open, open + 3600], [open + 7200, open + 9000]] : [[open, open + 7200]] } : {}),
      ...(rng.next() < 0.15 ? { skills: [1] } : {}),
      ...(rng.next() < 0.3 ? { pickup: [1 + rng.int(3)] } : { delivery: [rng.int(3)] }),
    } as VroomInput['jobs'][number];
  });
  const vehicles = Array.from({ length: 2 + rng.int(3) }, (_, v) => ({
    id: v + 1,
    start_index: v % 2,
    end_index: rng.next() < 0.7 ? v % 2 : 1 - (v % 2),
    time_window: [day(8), day(16 + rng.int(3))] as [number, number],
    capacity: [15 + rng.int(20)],
    max_tasks: 6 + rng.int(8),
    ...(v % 2 === 0 ? { skills: [1] } : {}),
    ...(rng.next() < 0.5 ? { speed_factor: [0.8, 1.5, 2][rng.int(3)] } : {}),
    breaks: [
      { id: 1, time_windows: [[day(12), day(14)]] as [number, number][], service: 1800 + rng.int(1800) },
      ...(rng.next() < 0.4 ? [{ id: 2, service: 600 }] : []),
    ],
  }));
  return { jobs, vehicles, matrices: { car: { durations } } };
}

describe('random collection days with breaks', () => {
  it('every solution is feasible and its figures are right', () => {
    const rng = new Random(2026);
    let routes = 0;
    let breaks = 0;
    for (let k = 0; k < 25; k++) {
      const input = randomDay(rng);
      const output = solveVroom(input, { iterations: 40, seed: k });
      expect(checkSolution(input, output), `day ${k}`).toEqual([]);
      routes += output.routes.length;
      breaks += output.routes.flatMap((r) => r.steps).filter((s) => s.type === 'break').length;
    }
    // The days are real work: many routes, each with its lunch.
    expect(routes).toBeGreaterThan(40);
    expect(breaks).toBeGreaterThanOrEqual(routes);
  });
});
