import type { Attributes } from '../messages.ts';

/**
 * Names for the FMB-family AVL IO elements a collections team cares about
 * (Teltonika wiki "FMB AVL ID" list). `divisor` turns the raw integer into
 * the unit in the name; `flag` makes 0/1 a boolean. Every other id keeps
 * its raw value as `io<id>`.
 */
interface IoName {
  name: string;
  divisor?: number;
  flag?: boolean;
}

const KNOWN_IO: Readonly<Record<number, IoName>> = {
  1: { name: 'input1', flag: true },
  16: { name: 'odometerM' },
  21: { name: 'gsmSignal' },
  66: { name: 'externalVoltageV', divisor: 1000 },
  67: { name: 'batteryVoltageV', divisor: 1000 },
  69: { name: 'gnssStatus' },
  113: { name: 'batteryPct' },
  181: { name: 'pdop', divisor: 10 },
  182: { name: 'hdop', divisor: 10 },
  199: { name: 'tripOdometerM' },
  239: { name: 'ignition', flag: true },
  240: { name: 'movement', flag: true },
};

export const IO_BATTERY_PCT = 113;
export const IO_IGNITION = 239;
export const IO_MOVEMENT = 240;
export const IO_EXTERNAL_VOLTAGE = 66;
export const IO_BATTERY_VOLTAGE = 67;
export const IO_ODOMETER = 16;
export const IO_GSM_SIGNAL = 21;

/** Names are built once per id so the hot path never concatenates strings. */
const names: string[] = [];
const divisors = new Float64Array(65536).fill(1);
const flags = new Uint8Array(65536);
for (const [id, io] of Object.entries(KNOWN_IO)) {
  names[Number(id)] = io.name;
  if (io.divisor) divisors[Number(id)] = io.divisor;
  if (io.flag) flags[Number(id)] = 1;
}

function ioName(id: number): string {
  return names[id] ?? (names[id] = `io${id}`);
}

function ioValue(id: number, raw: number): number | boolean {
  return flags[id] ? raw !== 0 : divisors[id] === 1 ? raw : raw / divisors[id];
}

/**
 * Attribute objects are built by a factory compiled once per IO layout (the
 * ordered list of IO ids a device sends — a device repeats its layout in
 * every record). Filling an object through computed keys cost more than the
 * rest of the record decode together; an object literal of a fixed shape is
 * several times cheaper, which is what lets Codec 8 pass 1M records/s.
 * The names come from the table above or are `io<digits>`, and are quoted
 * with JSON.stringify, so the generated source holds no device input.
 */
type Factory = (priority: number, event: number, v: Float64Array) => Attributes;
interface Layout {
  ids: Int32Array;
  make: Factory;
}

/** Bounded so a device inventing layouts cannot grow memory without limit; past it, attributes are filled key by key. */
const MAX_LAYOUTS = 2048;
const layouts = new Map<number, Layout[]>();
let layoutCount = 0;

function compile(ids: Int32Array): Factory {
  const fields = Array.from(ids, (id, i) => {
    const expr = flags[id] ? `v[${i}] !== 0` : divisors[id] === 1 ? `v[${i}]` : `v[${i}] / ${divisors[id]}`;
    return `${JSON.stringify(ioName(id))}: ${expr}`;
  });
  return new Function('priority', 'event', 'v', `return { priority, event, ${fields.join(', ')} };`) as Factory;
}

/** Attributes of one record: priority, event IO id, then the `n` IO values in `ids`/`values`. */
export function ioAttributes(priority: number, event: number, ids: Int32Array, values: Float64Array, n: number): Attributes {
  let hash = n;
  for (let i = 0; i < n; i++) hash = (Math.imul(hash, 31) + ids[i]) | 0;
  const bucket = layouts.get(hash);
  if (bucket) {
    for (const layout of bucket) {
      if (layout.ids.length !== n) continue;
      let same = true;
      for (let i = 0; i < n && same; i++) same = layout.ids[i] === ids[i];
      if (same) return layout.make(priority, event, values);
    }
  }
  if (layoutCount < MAX_LAYOUTS) {
    const layout = { ids: ids.slice(0, n), make: compile(ids.subarray(0, n)) };
    layoutCount++;
    if (bucket) bucket.push(layout);
    else layouts.set(hash, [layout]);
    return layout.make(priority, event, values);
  }
  const attributes: Attributes = { priority, event };
  for (let i = 0; i < n; i++) attributes[ioName(ids[i])] = ioValue(ids[i], values[i]);
  return attributes;
}
