import { buildProblem } from '../solver/problem/spec.ts';
import { solve, type SolveOptions } from '../solver/solve.ts';
import { parseVroom } from '../vroom/input.ts';
import { toVroomOutput } from '../vroom/output.ts';
import type { VroomInput, VroomOutput } from '../vroom/types.ts';

/** VROOM input → VROOM output through the solver (what the CLI does, without I/O). */
export function solveVroom(input: VroomInput, options: SolveOptions): VroomOutput {
  const problem = buildProblem(parseVroom(input));
  return toVroomOutput(problem, input, solve(problem, options));
}
