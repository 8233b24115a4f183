/**
 * VROOM's JSON problem and solution formats (docs/API.md of VROOM-Project/vroom,
 * v1.14), the subset Ronda reads and writes. Times in seconds, locations as
 * indices into the matrix.
 */
export interface VroomJob {
  id: number;
  location_index: number;
  setup?: number;
  service?: number;
  delivery?: number[];
  pickup?: number[];
  /** Legacy single-load field, read as delivery. */
  amount?: number[];
  skills?: number[];
  priority?: number;
  time_windows?: [number, number][];
  description?: string;
}

/** A driver break: `service` seconds starting inside one of `time_windows`. */
export interface VroomBreak {
  id: number;
  time_windows?: [number, number][];
  service?: number;
  description?: string;
  /** Not supported: refused with a clear error rather than ignored. */
  max_load?: number[];
}

export interface VroomVehicle {
  id: number;
  profile?: string;
  start_index?: number;
  end_index?: number;
  capacity?: number[];
  skills?: number[];
  time_window?: [number, number];
  max_tasks?: number;
  speed_factor?: number;
  breaks?: VroomBreak[];
  description?: string;
}

export interface VroomMatrix {
  durations?: number[][];
  costs?: number[][];
}

export interface VroomInput {
  jobs: VroomJob[];
  vehicles: VroomVehicle[];
  /** Per profile (`car` by default). */
  matrices?: Record<string, VroomMatrix>;
  /** Older single-matrix form: durations for every vehicle. */
  matrix?: number[][];
}

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
