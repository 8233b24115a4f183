import type { Position } from '../../device-protocols/messages.ts';
import { unstorableText } from '../lib/unstorable-text.ts';

/** float4's largest finite magnitude: PostgreSQL refuses a real beyond it ("out of range"). */
const FLOAT4_MAX = 3.4028234663852886e38;
const REAL_FIELDS = ['speedKph', 'courseDeg', 'altitudeM', 'accuracyM', 'batteryPct'] as const;
/** timestamptz starts in 4713 BC; JavaScript dates reach back to 271,821 BC. */
const TIMESTAMPTZ_MIN_MS = Date.UTC(-4712, 0, 1);

/** What a fix from a working device can say; past these a device (or a client posting by hand) is broken. */
const PLAUSIBLE: readonly (readonly [field: (typeof REAL_FIELDS)[number], min: number, max: number])[] = [
  ['speedKph', 0, 2000],
  ['courseDeg', 0, 360],
  ['altitudeM', -1000, 20000],
  ['accuracyM', 0, 1e6],
  ['batteryPct', 0, 100],
];

/**
 * Why the database could not hold this position, or should not, or null. Decoders range-check what
 * their protocol defines (the MQTT JSON does, OsmAnd's optional fields are free text), so this is the
 * last check before a fix joins a batch: refused here it gets its own reason, instead of the database's,
 * and never moves the device's last fix or odometer. The device is still acknowledged: OsmAnd clients
 * resend anything not answered 200, and a fix that can never be stored would hold up the rest.
 */
export function unstorablePosition(p: Position): string | null {
  for (const field of REAL_FIELDS) {
    const v = p[field];
    if (v !== undefined && Math.abs(v) > FLOAT4_MAX) return `${field} ${v} is beyond what can be stored`;
  }
  for (const [field, min, max] of PLAUSIBLE) {
    const v = p[field];
    if (v !== undefined && !(v >= min && v <= max)) return `${field} ${v} is outside ${min}..${max}`;
  }
  if (p.satellites !== undefined && !(p.satellites >= 0 && p.satellites <= 32_767)) return `satellites ${p.satellites} out of range`;
  if (p.fixTime.getTime() < TIMESTAMPTZ_MIN_MS) return 'fix time before 4713 BC';
  const text = unstorableText(p.attributes);
  return text ? `attributes ${text}` : null;
}
