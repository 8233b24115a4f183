import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../checker/check.ts';
import { readCase } from '../cases/cases.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('npm run optimize', () => {
  it('reads VROOM input and writes a feasible VROOM solution', () => {
    const file = fileURLToPath(new URL('../cases/collection-day-30.problem.json', import.meta.url));
    const stdout = execFileSync('npx', ['tsx', 'server/routing/cli/optimize.ts', '--iterations', '30', '--seed', '2', file], {
      cwd: root,
      encoding: 'utf8',
    });
    const output = JSON.parse(stdout);
    expect(Object.keys(output.summary)).toEqual([
      'cost', 'routes', 'unassigned', 'delivery', 'amount', 'pickup', 'setup', 'service', 'duration', 'waiting_time',
      'priority', 'violations', 'computing_times',
    ]);
    expect(output.summary.unassigned).toBe(0);
    expect(output.routes[0].steps[0].type).toBe('start');
    expect(output.routes[0].steps.at(-1).type).toBe('end');
    expect(Object.keys(output.routes[0].steps[1])).toEqual([
      'type', 'location_index', 'setup', 'service', 'waiting_time', 'load', 'arrival', 'duration', 'violations', 'id', 'job',
    ]);
    expect(checkSolution(readCase('collection-day-30').problem, output)).toEqual([]);
  });

  it('explains a bad input on stderr with exit code 1', () => {
    let failure: { status: number; stderr: string } | undefined;
    try {
      execFileSync('npx', ['tsx', 'server/routing/cli/optimize.ts', '-'], { cwd: root, input: '{"jobs": []}', encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      failure = error as { status: number; stderr: string };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr).toContain('invalid input: input needs "jobs" and "vehicles" arrays');
  });
});
