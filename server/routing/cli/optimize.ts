/**
 * `npm run --silent optimize -- [--time-limit SECONDS] [--seed N] FILE.json`
 *
 * Reads a problem in VROOM's JSON input format and writes the solution in VROOM's
 * output format to stdout, so a team that calls `vroom -i FILE` can switch by
 * changing the command. VROOM's `-i FILE`, `-o FILE` and `-l SECONDS` are
 * accepted too; `-x` (exploration level) and `-t` (threads) are read and
 * ignored: this solver runs one thread for a time budget.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildProblem } from '../solver/problem/spec.ts';
import { solve } from '../solver/solve.ts';
import { parseVroom, VroomInputError } from '../vroom/input.ts';
import { toVroomOutput } from '../vroom/output.ts';
import type { VroomInput } from '../vroom/types.ts';

const USAGE = 'usage: optimize [--time-limit SECONDS] [--seed N] [--iterations N] [-o OUT.json] FILE.json|-';
const DEFAULT_SECONDS = 5;

interface Args {
  file?: string;
  out?: string;
  seconds?: number;
  seed: number;
  iterations?: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seed: 1 };
  const number = (flag: string, value: string | undefined) => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--time-limit' || a === '-l') args.seconds = number(a, argv[++i]);
    else if (a === '--seed') args.seed = number(a, argv[++i]);
    else if (a === '--iterations') args.iterations = number(a, argv[++i]);
    else if (a === '-o') args.out = argv[++i];
    else if (a === '-i') args.file = argv[++i];
    else if (a === '-x' || a === '-t') i++;
    else if (a === '-h' || a === '--help') throw new Error(USAGE);
    else if (a.startsWith('-') && a !== '-') throw new Error(`unknown option ${a}\n${USAGE}`);
    else args.file = a;
  }
  if (!args.file) throw new Error(USAGE);
  return args;
}

function main(): void {
  const started = performance.now();
  const args = parseArgs(process.argv.slice(2));
  const text = readFileSync(args.file === '-' ? 0 : args.file!, 'utf8');
  const input = JSON.parse(text) as VroomInput;
  const problem = buildProblem(parseVroom(input));
  const loading = performance.now() - started;
  const seconds = args.seconds ?? (args.iterations === undefined ? DEFAULT_SECONDS : undefined);
  const result = solve(problem, {
    timeLimitMs: seconds === undefined ? undefined : seconds * 1000,
    iterations: args.iterations,
    seed: args.seed,
  });
  const json = JSON.stringify(toVroomOutput(problem, input, result, loading));
  if (args.out) writeFileSync(args.out, json + '\n');
  else process.stdout.write(json + '\n');
}

try {
  main();
} catch (error) {
  const message = error instanceof VroomInputError || error instanceof SyntaxError ? `invalid input: ${error.message}` : (error as Error).message;
  process.stderr.write(message + '\n');
  process.exitCode = 1;
}
