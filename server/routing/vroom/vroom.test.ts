import { describe, expect, it } from 'vitest';
import { buildProblem } from '../solver/problem/spec.ts';
import { solve } from '../solver/solve.ts';
import { parseVroom, VroomInputError } from './input.ts';
import { toVroomOutput } from './output.ts';
import type { VroomInput } from './types.ts';

const durations = [
  [0, 100, 200],
  [100, 0, 100],
  [200, 100, 0],
];

describe('parseVroom', () => {
  it('reads matrices.car durations and costs', () => {
    const costs = durations.map((row) => row.map((d) => d * 2));
    const spec = parseVroom({
      vehicles: [{ id: 9, start_index: 0, end_index: 0, time_window: [0, 1000], capacity: [4], max_tasks: 3, skills: [1] }],
      jobs: [{ id: 5, location_index: 2, service: 30, setup: 5, delivery: [2], priority: 80, skills: [1], time_windows: [[300, 400]] }],
      matrices: { car: { durations, costs } },
    });
    expect(spec.size).toBe(3);
    expect(Array.from(spec.costs![0]!)).toEqual(costs.flat());
    expect(spec.jobs[0]).toEqual({
      location: 2, service: 35, windows: [[300, 400]], priority: 80, delivery: [2], pickup: undefined, skills: [1],
    });
    expect(spec.vehicles[0]).toMatchObject({ start: 0, end: 0, shift: [0, 1000], capacity: [4], maxTasks: 3, skills: [1], profile: 0 });
  });

  it('accepts the older top-level matrix', () => {
    const spec = parseVroom({ vehicles: [{ id: 1, start_index: 0 }], jobs: [{ id: 1, location_index: 1 }], matrix: durations });
    expect(Array.from(spec.durations[0])).toEqual(durations.flat());
  });

  it('rejects what it cannot solve, naming the culprit', () => {
    const base = { vehicles: [{ id: 1, start_index: 0 }], matrix: durations };
    expect(() => parseVroom({ ...base, jobs: [{ id: 1, location_index: 3 }] })).toThrow(new VroomInputError('job 1: index 3 outside the 3×3 matrix'));
    expect(() => parseVroom({ ...base, jobs: [{ id: 1, location_index: 1 }, { id: 1, location_index: 2 }] })).toThrow('duplicate job id 1');
    expect(() => parseVroom({ vehicles: base.vehicles, jobs: [] } as VroomInput)).toThrow('input has no "matrices"');
    const unsupported = (extra: object) => parseVroom({ ...base, jobs: [], ...extra } as VroomInput);
    expect(() => unsupported({ shipments: [{ pickup: {}, delivery: {} }] })).toThrow('shipments (pickup-and-delivery pairs) are not supported');
    expect(() => unsupported({ vehicles: [{ id: 4, start_index: 0, max_travel_time: 3600 }] })).toThrow('vehicle 4: "max_travel_time" is not supported');
    expect(() => parseVroom({ ...base, jobs: [{ id: 1, location_index: 1, time_windows: [[50, 10]] }] })).toThrow(
      'job 1: time_windows must be a non-empty list of [start, end] pairs with start ≤ end',
    );
    const withBreak = (b: object) => ({ ...base, jobs: [], vehicles: [{ id: 1, start_index: 0, breaks: [{ id: 4, ...b }] }] });
    expect(() => parseVroom(withBreak({ max_load: [3] }))).toThrow('vehicle 1 break 4: max_load is not supported');
    expect(() => parseVroom(withBreak({ time_windows: [[5]] }))).toThrow('/vehicles/0/breaks/0/time_windows/0: expected tuple to have 2 elements');
  });

  it('reads vehicle breaks', () => {
    const spec = parseVroom({
      vehicles: [{ id: 1, start_index: 0, breaks: [{ id: 4, time_windows: [[100, 200]], service: 60 }, { id: 5, service: 10 }] }],
      jobs: [],
      matrix: durations,
    });
    expect(spec.vehicles[0].breaks).toEqual([{ windows: [[100, 200]], service: 60 }, { windows: undefined, service: 10 }]);
  });
});

describe('toVroomOutput', () => {
  it('reports times, waiting, loads and cost per step', () => {
    const input: VroomInput = {
      vehicles: [{ id: 9, start_index: 0, end_index: 0, time_window: [0, 1000], capacity: [4] }],
      jobs: [
        { id: 5, location_index: 1, service: 10, delivery: [1], time_windows: [[300, 400]] },
        { id: 6, location_index: 2, service: 20, pickup: [2], time_windows: [[450, 600]] },
      ],
      matrix: durations,
    };
    const problem = buildProblem(parseVroom(input));
    const output = toVroomOutput(problem, input, solve(problem, { iterations: 5 }));
    // Leaves at 200 so as to arrive at job 5 when it opens; waits 40 at job 6 (arrives 410, opens 450).
    expect(output.routes[0].steps.map((s) => [s.type, s.id, s.arrival, s.waiting_time, s.duration, s.load[0]])).toEqual([
      ['start', undefined, 200, 0, 0, 1],
      ['job', 5, 300, 0, 100, 0],
      ['job', 6, 410, 40, 200, 2],
      ['end', undefined, 670, 0, 400, 2],
    ]);
    expect(output.summary).toMatchObject({ cost: 400, routes: 1, unassigned: 0, duration: 400, waiting_time: 40, service: 30 });
  });

  it('costs a faster vehicle its shorter travel time when no cost matrix is given', () => {
    const input: VroomInput = {
      vehicles: [{ id: 9, start_index: 0, end_index: 0, speed_factor: 2 }],
      jobs: [{ id: 5, location_index: 2 }],
      matrix: durations,
    };
    const problem = buildProblem(parseVroom(input));
    const output = toVroomOutput(problem, input, solve(problem, { iterations: 1 }));
    expect(output.routes[0].steps.map((s) => s.arrival)).toEqual([0, 100, 200]);
    expect(output.summary).toMatchObject({ cost: 200, duration: 200 });
  });

  it('reports a break where the vehicle takes it, between two visits', () => {
    const input: VroomInput = {
      vehicles: [{ id: 9, start_index: 0, end_index: 0, time_window: [0, 1000], breaks: [{ id: 3, time_windows: [[320, 380]], service: 50 }] }],
      jobs: [
        { id: 5, location_index: 1, service: 10, time_windows: [[300, 400]] },
        { id: 6, location_index: 2, service: 20, time_windows: [[450, 600]] },
      ],
      matrix: durations,
    };
    const problem = buildProblem(parseVroom(input));
    const output = toVroomOutput(problem, input, solve(problem, { iterations: 5 }));
    // Job 5 ends at 310; the break waits for 320 at job 5's door, ends at 370; job 6 is reached at 470, after it opens.
    expect(output.routes[0].steps.map((s) => [s.type, s.id, s.location_index, s.arrival, s.waiting_time, s.duration])).toEqual([
      ['start', undefined, 0, 200, 0, 0],
      ['job', 5, 1, 300, 0, 100],
      ['break', 3, 1, 310, 10, 100],
      ['job', 6, 2, 470, 0, 200],
      ['end', undefined, 0, 690, 0, 400],
    ]);
    expect(output.summary).toMatchObject({ cost: 400, unassigned: 0, waiting_time: 10, service: 80 });
  });
});

describe('windows an outsider fuzzed (2026-11-30)', () => {
  const run = (input: VroomInput) => {
    const problem = buildProblem(parseVroom(input));
    return toVroomOutput(problem, input, solve(problem, { iterations: 50, seed: 1 }));
  };
  const line: VroomInput['matrices'] = { car: { durations: [[0, 100, 10], [100, 0, 100], [10, 50, 0]] } };

  it('leaves out a job whose only window cannot be reached, when the vehicle has no time window', () => {
    const out = run({ vehicles: [{ id: 1, start_index: 0, end_index: 0 }], jobs: [{ id: 1, location_index: 1, time_windows: [[0, 10]] }], matrices: line });
    expect(out.routes).toEqual([]);
    expect(out.unassigned.map((u) => u.id)).toEqual([1]);
  });

  it('reads nested or overlapping windows as their union', () => {
    const out = run({
      vehicles: [{ id: 1, start_index: 0, end_index: 0, time_window: [0, 10_000] }],
      jobs: [
        { id: 1, location_index: 1, priority: 10, time_windows: [[0, 1000], [10, 20]] },
        { id: 2, location_index: 2, time_windows: [[0, 50]] },
      ],
      matrices: line,
    });
    expect(out.unassigned).toEqual([]);
  });

  it('leaves unused a vehicle whose break cannot be taken within its shift (a used vehicle takes all its breaks)', () => {
    // Was: the vehicle drove without its break, and with max_tasks 1 a second visit took the break's slot.
    const out = run({
      vehicles: [{ id: 1, start_index: 0, end_index: 0, time_window: [0, 1000], max_tasks: 1, breaks: [{ id: 7, time_windows: [[5000, 6000]], service: 60 }] }],
      jobs: [{ id: 1, location_index: 1 }, { id: 2, location_index: 1 }],
      matrices: line,
    });
    expect(out.routes).toEqual([]);
    expect(out.unassigned.map((u) => u.id)).toEqual([1, 2]);
  });

  it('refuses an empty list of windows', () => {
    expect(() => parseVroom({ vehicles: [{ id: 1, start_index: 0 }], jobs: [{ id: 1, location_index: 1, time_windows: [] }], matrices: line })).toThrow(
      'job 1: time_windows must be a non-empty list',
    );
  });
});

describe('input an outsider fuzzed (2026-11-30): refused, naming the field', () => {
  const matrices = { car: { durations: [[0, 5], [5, 0]] } };
  const base = { vehicles: [{ id: 1, start_index: 0 }], jobs: [{ id: 1, location_index: 1 }], matrices };
  const refuse = (input: object) => () => parseVroom(input as VroomInput);

  it('refuses values of the wrong type or out of range instead of computing with them', () => {
    // "100" was added as text (a summary service of "00100"), -5 gave negative costs, 0 an infinite travel time.
    expect(refuse({ ...base, jobs: [{ id: 1, location_index: 1, service: '100' }] })).toThrow('/jobs/0/service: expected number (got "100")');
    expect(refuse({ ...base, matrices: { car: { durations: [[0, -5], [5, 0]] } } })).toThrow('/matrices/car/durations/0/1: expected number to be greater or equal to 0');
    expect(refuse({ ...base, vehicles: [{ id: 1, start_index: 0, speed_factor: 0 }] })).toThrow('/vehicles/0/speed_factor');
    expect(refuse({ ...base, jobs: [{ id: 1, location_index: 1, priority: 'high' }] })).toThrow('/jobs/0/priority: expected integer');
    expect(refuse({ ...base, jobs: [{ location_index: 1 }] })).toThrow('/jobs/0/id: expected required property');
  });

  it('refuses what does not fit together', () => {
    expect(refuse({ ...base, vehicles: [{ id: 1, start_index: 0 }, { id: 1, start_index: 1 }] })).toThrow('duplicate vehicle id 1');
    expect(refuse({ ...base, vehicles: [{ id: 1, start_index: 0, time_window: [100, 0] }] })).toThrow('vehicle 1: time_window must be [start, end] with start ≤ end');
    expect(refuse({ ...base, matrices: { car: { durations: [[0, 5], [5, 0]], costs: [[0, 1, 2], [1, 0, 2], [1, 1, 0]] } } })).toThrow('costs is 3×3, durations 2×2');
    expect(refuse({ ...base, vehicles: [{ id: 1, start_index: 0, capacity: [5] }], jobs: [{ id: 1, location_index: 1, delivery: [1, 2] }] })).toThrow(
      'job 1 delivery has 2 dimensions, vehicle 1 capacity 1',
    );
    expect(refuse({ ...base, matrices: {} })).toThrow('input has no "matrices"');
  });
});
