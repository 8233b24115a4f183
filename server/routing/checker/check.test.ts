import { describe, expect, it } from 'vitest';
import { checkSolution } from './check.ts';

/** Depot 0, jobs at 1 and 2; 10 s between any two distinct places. */
const problem = {
  vehicles: [{ id: 7, start_index: 0, end_index: 0, time_window: [0, 100], capacity: [5], skills: [1], max_tasks: 2 }],
  jobs: [
    { id: 1, location_index: 1, service: 5, delivery: [2], time_windows: [[20, 30]] },
    { id: 2, location_index: 2, service: 5, delivery: [3], skills: [1] },
  ],
  matrix: [
    [0, 10, 10],
    [10, 0, 10],
    [10, 10, 0],
  ],
};

function solution() {
  return {
    summary: { cost: 30, unassigned: 0, routes: 1 },
    unassigned: [] as { id: number }[],
    routes: [
      {
        vehicle: 7,
        cost: 30,
        duration: 30,
        steps: [
          { type: 'start', location_index: 0, arrival: 10, waiting_time: 0 },
          { type: 'job', id: 1, location_index: 1, arrival: 20, waiting_time: 0, service: 5 },
          { type: 'job', id: 2, location_index: 2, arrival: 35, waiting_time: 0, service: 5 },
          { type: 'end', location_index: 0, arrival: 50, waiting_time: 0 },
        ],
      },
    ],
  };
}

describe('checkSolution', () => {
  it('accepts a feasible solution with the right figures', () => {
    expect(checkSolution(problem, solution())).toEqual([]);
  });

  it('finds a service outside its window', () => {
    const s = solution();
    s.routes[0].steps[0].arrival = 25;
    s.routes[0].steps[1].arrival = 35;
    s.routes[0].steps[2].arrival = 50;
    s.routes[0].steps[3].arrival = 65;
    expect(checkSolution(problem, s)).toEqual(['job 1: service starts at 35, outside [[20,30]]']);
  });

  it('finds an arrival that does not follow from the matrix', () => {
    const s = solution();
    s.routes[0].steps[2].arrival = 31;
    expect(checkSolution(problem, s)).toContain('vehicle 7: job 2 arrival 31, expected 35');
  });

  it('finds a wrong cost', () => {
    const s = solution();
    s.routes[0].cost = 29;
    s.summary.cost = 29;
    expect(checkSolution(problem, s)).toEqual(['vehicle 7: cost 29, recomputed 30', 'summary cost 29, recomputed 30']);
  });

  it('finds capacity, skills, max tasks and shift violations', () => {
    const tight = {
      ...problem,
      vehicles: [{ ...problem.vehicles[0], capacity: [4], skills: [], max_tasks: 1, time_window: [0, 45] }],
    };
    expect(checkSolution(tight, solution())).toEqual([
      'vehicle 7: 2 visits, max_tasks 1',
      'vehicle 7: leaves with 5 over capacity 4',
      'job 2: vehicle 7 lacks skills 1',
      'vehicle 7: ends at 50 after its shift 45',
    ]);
  });

  it('finds missing, duplicated and frozen-order problems', () => {
    const s = solution();
    s.unassigned = [{ id: 1 }];
    s.summary.unassigned = 1;
    expect(checkSolution(problem, s, { frozen: { 7: [2] } })).toEqual([
      'vehicle 7: frozen visits 2 not kept in place',
      'job 1: both served and unassigned',
    ]);
  });

  describe('breaks', () => {
    // A 10 s break starting in [26, 40], taken at job 1's door after its service.
    const withBreak = { ...problem, vehicles: [{ ...problem.vehicles[0], breaks: [{ id: 3, time_windows: [[26, 40]], service: 10 }] }] };
    function solutionWithBreak(breakArrival = 25, waiting = 1) {
      const s = solution();
      const resume = breakArrival + waiting + 10;
      s.routes[0].steps.splice(2, 0, { type: 'break', id: 3, location_index: 1, arrival: breakArrival, waiting_time: waiting, service: 10 });
      s.routes[0].steps[3].arrival = resume + 10;
      s.routes[0].steps[4].arrival = resume + 25;
      return s;
    }

    it('accepts a break taken where the vehicle is, inside its window', () => {
      expect(checkSolution(withBreak, solutionWithBreak())).toEqual([]);
    });

    it('finds a break outside its window, at the wrong place, or missing', () => {
      expect(checkSolution(withBreak, solutionWithBreak(25, 0))).toEqual(['vehicle 7: break 3 starts at 25, outside [[26,40]]']);
      const moved = solutionWithBreak();
      moved.routes[0].steps[2].location_index = 2;
      expect(checkSolution(withBreak, moved)).toEqual(['vehicle 7: break 3 at 2, vehicle is at 1']);
      expect(checkSolution(withBreak, solution())).toEqual(['vehicle 7: break 3 taken 0 times']);
    });
  });
});
