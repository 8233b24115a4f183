import type { VroomInput } from '../vroom/types.ts';

/**
 * TSPLIB EUC_2D instance → VROOM input: one vehicle starting and ending at node 1,
 * every other node a job, distance nint(euclidean) (TSPLIB 95 §2.1).
 */
export function readTsplib(text: string): VroomInput {
  const lines = text.split('\n').map((l) => l.trim());
  const start = lines.indexOf('NODE_COORD_SECTION');
  const nodes: [number, number][] = [];
  for (const l of lines.slice(start + 1)) {
    if (l === 'EOF' || l === '') break;
    const [, x, y] = l.split(/\s+/).map(Number);
    nodes.push([x, y]);
  }
  const matrix = nodes.map(([xa, ya]) => nodes.map(([xb, yb]) => Math.round(Math.hypot(xa - xb, ya - yb))));
  return {
    vehicles: [{ id: 0, start_index: 0, end_index: 0 }],
    jobs: nodes.slice(1).map((_, i) => ({ id: i + 2, location_index: i + 1 })),
    matrices: { car: { durations: matrix } },
  };
}
