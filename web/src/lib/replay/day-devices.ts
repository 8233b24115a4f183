import type { DeviceUsed } from '$contract/device.ts';

/** A device the replay offers for a collector's day; `used`: when it reported for them that day, null when it did not. */
export interface DayDevice {
  uniqueId: string;
  protocol: string | null;
  used: { firstTs: string; lastTs: string } | null;
}

/**
 * The devices to replay a collector's day on: those that reported for them that day, the last to report
 * first (GET …/devices-used: a device handed on since, which `held` no longer names, among them), then
 * those they hold now, so a day with no report still offers one to look at.
 */
export function dayDevices(used: readonly DeviceUsed[], held: readonly { uniqueId: string; protocol: string | null }[]): DayDevice[] {
  const reported = new Set(used.map((d) => d.uniqueId));
  return [
    ...used.map((d) => ({ uniqueId: d.uniqueId, protocol: d.protocol, used: { firstTs: d.firstTs, lastTs: d.lastTs } })),
    ...held.filter((d) => !reported.has(d.uniqueId)).map((d) => ({ uniqueId: d.uniqueId, protocol: d.protocol, used: null })),
  ];
}

/**
 * The device a day opens on: the one that reported last that day; on a day with no report, the one
 * held now that reported last (`lastUniqueId`: with an app for check-ins and a tracker for positions,
 * the tracker), else the first.
 */
export function defaultDevice(devices: readonly DayDevice[], lastUniqueId: string | undefined): DayDevice | undefined {
  return devices.find((d) => d.used !== null) ?? devices.find((d) => d.uniqueId === lastUniqueId) ?? devices[0];
}
