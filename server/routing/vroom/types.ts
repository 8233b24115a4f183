/**
 * VROOM's JSON problem and solution formats (docs/API.md of VROOM-Project/vroom,
 * v1.14), the subset Ronda reads and writes. Times in seconds, locations as
 * indices into the matrix.
 */
import { Type, type Static } from '@sinclair/typebox';

const Id = Type.Integer({ minimum: 0 });
const Index = Type.Integer({ minimum: 0 });
/** Seconds and matrix entries: VROOM's are unsigned integers; fractions are read as given. */
const Seconds = Type.Number({ minimum: 0 });
const Amounts = Type.Array(Type.Integer({ minimum: 0 }));
const Skills = Type.Array(Type.Integer({ minimum: 0 }));
const Window = Type.Tuple([Seconds, Seconds]);
const Matrix = Type.Array(Type.Array(Seconds));

export const VroomJob = Type.Object({
  id: Id,
  location_index: Index,
  setup: Type.Optional(Seconds),
  service: Type.Optional(Seconds),
  delivery: Type.Optional(Amounts),
  pickup: Type.Optional(Amounts),
  /** Legacy single-load field, read as delivery. */
  amount: Type.Optional(Amounts),
  skills: Type.Optional(Skills),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  time_windows: Type.Optional(Type.Array(Window)),
  description: Type.Optional(Type.String()),
});
export type VroomJob = Static<typeof VroomJob>;

/** A driver break: `service` seconds starting inside one of `time_windows`. */
export const VroomBreak = Type.Object({
  id: Id,
  time_windows: Type.Optional(Type.Array(Window)),
  service: Type.Optional(Seconds),
  description: Type.Optional(Type.String()),
  /** Not supported: refused with a clear error rather than ignored. */
  max_load: Type.Optional(Amounts),
});
export type VroomBreak = Static<typeof VroomBreak>;

export const VroomVehicle = Type.Object({
  id: Id,
  profile: Type.Optional(Type.String()),
  start_index: Type.Optional(Index),
  end_index: Type.Optional(Index),
  capacity: Type.Optional(Amounts),
  skills: Type.Optional(Skills),
  time_window: Type.Optional(Window),
  max_tasks: Type.Optional(Type.Integer({ minimum: 0 })),
  /** VROOM's bounds: travel times are divided by it. */
  speed_factor: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 5 })),
  breaks: Type.Optional(Type.Array(VroomBreak)),
  description: Type.Optional(Type.String()),
});
export type VroomVehicle = Static<typeof VroomVehicle>;

export const VroomMatrix = Type.Object({ durations: Type.Optional(Matrix), costs: Type.Optional(Matrix) });
export type VroomMatrix = Static<typeof VroomMatrix>;

export const VroomInput = Type.Object({
  jobs: Type.Array(VroomJob),
  vehicles: Type.Array(VroomVehicle),
  /** Per profile (`car` by default). */
  matrices: Type.Optional(Type.Record(Type.String(), VroomMatrix)),
  /** Older single-matrix form: durations for every vehicle. */
  matrix: Type.Optional(Matrix),
});
export type VroomInput = Static<typeof VroomInput>;

export interface VroomStep {
  type: 'start' | 'job' | 'break' | 'end';
  id?: number;
  job?: number;
  /** A break's is where the vehicle is when it takes it; absent before a vehicle without a start has moved. */
  location_index?: number;
  setup: number;
  service: number;
  waiting_time: number;
  load: number[];
  arrival: number;
  duration: number;
  violations: [];
}

export interface VroomRoute {
  vehicle: number;
  cost: number;
  delivery: number[];
  amount: number[];
  pickup: number[];
  setup: number;
  service: number;
  duration: number;
  waiting_time: number;
  priority: number;
  steps: VroomStep[];
  violations: [];
}

export interface VroomUnassigned {
  id: number;
  location_index: number;
  type: 'job';
  /** Ronda extension: why the job is left out. */
  reason?: string;
}

export interface VroomOutput {
  code: number;
  summary: {
    cost: number;
    routes: number;
    unassigned: number;
    delivery: number[];
    amount: number[];
    pickup: number[];
    setup: number;
    service: number;
    duration: number;
    waiting_time: number;
    priority: number;
    violations: [];
    computing_times: { loading: number; solving: number; routing: number };
  };
  unassigned: VroomUnassigned[];
  routes: VroomRoute[];
}
