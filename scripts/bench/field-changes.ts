import { Random } from '../../server/routing/solver/random.ts';
import type { VroomInput } from '../../server/routing/vroom/types.ts';

export type Change = 'cancel' | 'move';

export interface ChangedDay {
  /** The day after the change, in VROOM's format. */
  changed: VroomInput;
  /** The plan's routes minus the changed visits (which the re-plan places again), as job indices of `changed`. */
  initial: number[][];
}

/**
 * Issue 4's re-plan case on field_160: 5 visits, drawn from the plan's seed, are
 * cancelled (removed) or moved to another visit's address.
 */
export function changeDay(field: VroomInput, plan: readonly (readonly number[])[], planSeed: number, change: Change): ChangedDay {
  const rng = new Random(planSeed + (change === 'cancel' ? 11 : 23));
  const picked = new Set<number>();
  while (picked.size < 5) picked.add(rng.int(field.jobs.length));
  const changed: VroomInput = structuredClone(field);
  if (change === 'move') for (const j of picked) changed.jobs[j].location_index = field.jobs[rng.int(field.jobs.length)].location_index;
  else changed.jobs = field.jobs.filter((_, j) => !picked.has(j));
  const index = new Map<number, number>();
  const position = new Map(changed.jobs.map((job, k) => [job.id, k]));
  field.jobs.forEach((job, j) => position.has(job.id) && index.set(j, position.get(job.id)!));
  const initial = plan.map((jobs) => jobs.filter((j) => index.has(j) && !picked.has(j)).map((j) => index.get(j)!));
  return { changed, initial };
}
