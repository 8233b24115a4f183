import type { Attributes } from '../messages.ts';

/**
 * The 4-byte vehicle status word both H02 forms carry (text: 8 hex digits;
 * binary: 4 raw bytes), negative logic: a bit at 0 is active (H02 protocol,
 * "vehicle_status"). Bit meanings vary by firmware; these are the ones the
 * common Sinotrack/H02 documents agree on.
 */
const STATUS_ALARMS: ReadonlyArray<readonly [bit: number, alarm: string]> = [
  [1, 'sos'],
  [0, 'vibration'],
  [2, 'overspeed'],
  [19, 'powerCut'],
];
const STATUS_IGNITION_BIT = 10;

/** Records the word and the ignition in `attributes`; returns the first active alarm, if any. */
export function applyH02Status(status: number, attributes: Attributes): string | undefined {
  attributes.status = status;
  attributes.ignition = (status & (1 << STATUS_IGNITION_BIT)) !== 0;
  for (const [bit, name] of STATUS_ALARMS) if (((status >>> bit) & 1) === 0) return name;
  return undefined;
}
