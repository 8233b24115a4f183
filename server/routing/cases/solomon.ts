import type { VroomInput } from '../vroom/types.ts';

/**
 * Solomon (1987) / Gehring & Homberger VRPTW text instance → VROOM input with a
 * float matrix: exact euclidean distances, travel time = distance, one vehicle
 * type with the file's count and capacity, depot window as shift (the
 * convention of the distance BKS in ../shared/benchmarks/solomon/BKS.json).
 */
export function readSolomon(text: string): VroomInput {
  const lines = text.split('\n').map((l) => l.trim());
  const vehicleLine = lines.findIndex((l) => /^NUMBER\s+CAPACITY/.test(l));
  const [count, capacity] = lines[vehicleLine + 1].split(/\s+/).map(Number);
  const rows = lines
    .slice(lines.findIndex((l) => l.startsWith('CUST')) + 1)
    .filter((l) => /^\d/.test(l))
    .map((l) => l.split(/\s+/).map(Number));
  const matrix = rows.map(([, xa, ya]) => rows.map(([, xb, yb]) => Math.hypot(xa - xb, ya - yb)));
  const depot = rows[0];
  return {
    vehicles: Array.from({ length: count }, (_, id) => ({
      id, start_index: 0, end_index: 0, capacity: [capacity], time_window: [depot[4], depot[5]] as [number, number],
    })),
    jobs: rows.slice(1).map(([id, , , demand, ready, due, service], i) => ({
      id, location_index: i + 1, delivery: [demand], service, time_windows: [[ready, due]] as [number, number][],
    })),
    matrices: { car: { durations: matrix } },
  };
}
