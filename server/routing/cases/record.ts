/** Re-records every case's solution: `npx tsx server/routing/cases/record.ts`. */
import { writeFileSync } from 'node:fs';
import { caseOptions, casesDir, listCases, readCase } from './cases.ts';
import { solveVroom } from './solve-case.ts';

for (const name of listCases()) {
  const output = solveVroom(readCase(name).problem, caseOptions);
  output.summary.computing_times = { loading: 0, solving: 0, routing: 0 };
  writeFileSync(`${casesDir}/${name}.solution.json`, JSON.stringify(output, null, 1) + '\n');
  process.stdout.write(`${name}: cost ${output.summary.cost}, unassigned ${output.summary.unassigned}\n`);
}
