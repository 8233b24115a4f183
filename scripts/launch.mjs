// Starts the server from its TypeScript sources, building the dashboard first
// if it has never been built (a fresh clone after `npm install`).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const [entry, ...args] = process.argv.slice(2);
if (!existsSync('web/build/index.html')) {
  console.log('ronda: building the dashboard (first start)…');
  const r = spawnSync('npm', ['run', 'build', '-w', 'web'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// A larger young generation: ingest allocates many short-lived objects per report, and scavenges were ~20% of its CPU.
const child = spawn(process.execPath, ['--max-semi-space-size=32', '--import', 'tsx', entry, ...args], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
