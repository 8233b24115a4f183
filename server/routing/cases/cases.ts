import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { VroomInput, VroomOutput } from '../vroom/types.ts';

export const casesDir = fileURLToPath(new URL('.', import.meta.url));

/** Seed and iteration budget every case is solved with (reproducible, no clock). */
export const caseOptions = { seed: 1, iterations: 150 } as const;

export function listCases(): string[] {
  return readdirSync(casesDir)
    .filter((f) => f.endsWith('.problem.json'))
    .map((f) => f.slice(0, -'.problem.json'.length))
    .sort();
}

export function readCase(name: string): { problem: VroomInput; solution?: VroomOutput } {
  const problem = JSON.parse(readFileSync(`${casesDir}/${name}.problem.json`, 'utf8')) as VroomInput;
  let solution: VroomOutput | undefined;
  try {
    solution = JSON.parse(readFileSync(`${casesDir}/${name}.solution.json`, 'utf8')) as VroomOutput;
  } catch {
    solution = undefined;
  }
  return { problem, solution };
}
