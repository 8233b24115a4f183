export { buildProblem, type BreakSpec, type JobSpec, type ProblemSpec, type VehicleSpec } from './problem/spec.ts';
export type { Problem } from './problem/problem.ts';
export { solve, type BreakPlacement, type SolveOptions, type SolveResult } from './solve.ts';
export { unassignedReasons, type UnassignedReason } from './solution/reasons.ts';
