import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { FleetFile } from '../../simulators/fleet/fleet-file.ts';
import type { TrackerSpec } from '../../simulators/fleet/tracker.ts';
import type { DemoDevice } from './seed-demo.ts';

const FLEET_SCRIPT = fileURLToPath(new URL('../../simulators/fleet/run-fleet.ts', import.meta.url));

export interface FleetPorts {
  mqtt: number;
  gt06: number;
  teltonika: number;
  h02: number;
  osmand: number;
}

/** Starts the simulated fleet in its own process; it talks to us over real MQTT, tracker TCP and HTTP like any device. */
export function startFleet(devices: DemoDevice[], opts: { ports: FleetPorts; dataDir: string; intervalMs: number; log: Logger }): ChildProcess {
  const file = join(opts.dataDir, 'demo-fleet.json');
  writeFileSync(file, JSON.stringify(fleetFile(devices, opts.ports, opts.intervalMs)), { mode: 0o600 });
  const child = fork(FLEET_SCRIPT, [file], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('exit', (code) => opts.log.warn({ code }, 'demo fleet exited'));
  return child;
}

/**
 * The fleet's devices: a collector with a tracker uses the app on their phone only for check-ins and
 * payments, and the tracker reports where they ride; every other phone reports its own positions.
 */
export function fleetFile(devices: readonly DemoDevice[], ports: FleetPorts, intervalMs: number): FleetFile {
  const appOf = new Map(devices.filter((d) => d.kind === 'phone').map((d) => [d.collectorId, { uniqueId: d.uniqueId, token: d.token }]));
  const trackers: TrackerSpec[] = [];
  for (const d of devices) {
    if (d.kind === 'phone') continue;
    const app = appOf.get(d.collectorId);
    if (!app) throw new Error(`demo tracker ${d.uniqueId} has no app on its collector's phone`);
    // OwnTracks logs in to the MQTT broker like any device there; the others are known by their id alone.
    if (d.kind === 'owntracks') trackers.push({ kind: d.kind, imei: d.uniqueId, port: ports.mqtt, token: d.token, app });
    else trackers.push({ kind: d.kind, imei: d.uniqueId, port: ports[d.kind], app });
  }
  const riders = new Set(trackers.map((t) => t.app.uniqueId));
  const phones = devices.filter((d) => d.kind === 'phone' && !riders.has(d.uniqueId)).map(({ uniqueId, token }) => ({ uniqueId, token }));
  return { mqttUrl: `mqtt://127.0.0.1:${ports.mqtt}`, intervalMs, seed: 42, phones, trackers };
}
