import type { Role } from '$contract/auth.ts';
import type { CreateDevice, DeviceOut } from '$contract/device.ts';
import type { LivePosition } from '$contract/live.ts';
import type { MessageKey } from '../i18n/es.ts';

/**
 * Who registers and hands out devices (server/api/device-admin.routes.ts): an admin, and a supervisor
 * for the team; both also read the ids that tried to connect unregistered (GET /api/devices/unknown).
 */
export const DEVICE_MANAGERS: readonly Role[] = ['admin', 'supervisor'];

export type DeviceProtocol = NonNullable<CreateDevice['protocol']>;

/** Every protocol a device may be registered with: a `Record` so a protocol the contract adds cannot be left out. */
const PROTOCOL_NAMES: Record<DeviceProtocol, MessageKey> = {
  mqtt: 'devices.protocol.mqtt',
  owntracks: 'devices.protocol.owntracks',
  gt06: 'devices.protocol.gt06',
  teltonika: 'devices.protocol.teltonika',
  h02: 'devices.protocol.h02',
  osmand: 'devices.protocol.osmand',
};
export const DEVICE_PROTOCOLS = Object.keys(PROTOCOL_NAMES) as DeviceProtocol[];

export const isDeviceProtocol = (p: string | null): p is DeviceProtocol => p !== null && p in PROTOCOL_NAMES;
export const protocolName = (p: string | null): MessageKey | null => (isDeviceProtocol(p) ? PROTOCOL_NAMES[p] : null);

export interface Report {
  tsMs: number;
  batteryPct: number | null;
}

/** The list's report, or a newer one the live stream brought since. */
export function newestReport(listed: DeviceOut['lastReport'], live: Report | undefined): Report | null {
  const fromList = listed ? { tsMs: Date.parse(listed.ts), batteryPct: listed.batteryPct } : null;
  if (!live) return fromList;
  return fromList && fromList.tsMs >= live.tsMs ? fromList : live;
}

/** Folds a live batch into the newest report per uniqueId; returns whether any changed. */
export function foldLive(reports: Map<string, Report>, batch: readonly LivePosition[]): boolean {
  let changed = false;
  for (const p of batch) {
    const tsMs = Date.parse(p.ts);
    const had = reports.get(p.uniqueId);
    if (had && had.tsMs >= tsMs) continue;
    reports.set(p.uniqueId, { tsMs, batteryPct: p.batteryPct });
    changed = true;
  }
  return changed;
}

/**
 * Devices whose id, name, protocol or collector's name holds `query`. `key` folds case and
 * accents (the wall's searchKey), so "jose" finds "José".
 */
export function filterDevices<D extends Pick<DeviceOut, 'uniqueId' | 'name' | 'protocol' | 'collectorId'>>(
  devices: readonly D[],
  query: string,
  collectorName: (id: number) => string | null,
  key: (text: string) => string,
): D[] {
  const q = key(query.trim());
  if (q === '') return [...devices];
  return devices.filter((d) => key([d.uniqueId, d.name, d.protocol ?? '', d.collectorId === null ? '' : (collectorName(d.collectorId) ?? '')].join('\n')).includes(q));
}

/**
 * Unknown ids not registered since: the server keeps an id's attempts after it is registered,
 * and the list is for what still needs registering. One row per id, its latest attempt.
 */
export function unregistered<U extends { uniqueId: string; lastSeen: string }>(unknown: readonly U[], devices: readonly Pick<DeviceOut, 'uniqueId'>[]): U[] {
  const known = new Set(devices.map((d) => d.uniqueId));
  const latest = new Map<string, U>();
  for (const u of unknown) {
    if (known.has(u.uniqueId)) continue;
    const had = latest.get(u.uniqueId);
    if (!had || Date.parse(u.lastSeen) > Date.parse(had.lastSeen)) latest.set(u.uniqueId, u);
  }
  return [...latest.values()].sort((a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen));
}
