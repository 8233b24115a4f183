import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { DemoDevice } from './seed-demo.ts';

const FLEET_SCRIPT = fileURLToPath(new URL('../../simulators/fleet/run-fleet.ts', import.meta.url));

/** Starts the simulated fleet in its own process; it talks to us over real MQTT like any phone. */
export interface FleetPorts {
  mqtt: number;
  gt06: number;
  teltonika: number;
}

export function startFleet(devices: DemoDevice[], opts: { ports: FleetPorts; dataDir: string; intervalMs: number; log: Logger }): ChildProcess {
  const file = join(opts.dataDir, 'demo-fleet.json');
  const phones = devices.filter((d) => d.kind === 'phone').map(({ uniqueId, token }) => ({ uniqueId, token }));
  const trackers = devices
    .filter((d) => d.kind !== 'phone')
    .map((d) => ({ kind: d.kind, imei: d.uniqueId, port: d.kind === 'gt06' ? opts.ports.gt06 : opts.ports.teltonika }));
  writeFileSync(file, JSON.stringify({ mqttUrl: `mqtt://127.0.0.1:${opts.ports.mqtt}`, intervalMs: opts.intervalMs, seed: 42, phones, trackers }), {
    mode: 0o600,
  });
  const child = fork(FLEET_SCRIPT, [file], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('exit', (code) => opts.log.warn({ code }, 'demo fleet exited'));
  return child;
}
