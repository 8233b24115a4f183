import type { DeviceRefusal } from '$contract/device.ts';
import type { MessageKey } from '../i18n/es.ts';
import { wordingOf, type Refused, type RefusalValues as Values } from '../refusals.ts';

export type { Refused };

/** A refusal in the page's words: a message key and what it names. */
export interface Worded {
  key: MessageKey;
  vars: Record<string, string | number>;
}

/** Names of what a refusal's `values` point at, as the page lists them. */
export interface RefusalNames {
  collector: (id: number) => string;
  device: (uniqueId: string) => string;
}

/**
 * Each code of the device routes (server/contract/device.ts DEVICE_REFUSALS) in the page's words:
 * a `Record` so a code the contract adds cannot be left unworded.
 */
const WORDING: Record<DeviceRefusal, (values: Values, names: RefusalNames) => Worded> = {
  unique_id_taken: (v) => ({ key: 'devices.error.duplicate', vars: { uniqueId: String(v.uniqueId) } }),
  collector_not_found: (v, names) => ({ key: 'devices.error.noCollector', vars: { collector: names.collector(Number(v.collectorId)) } }),
  collector_inactive: (v, names) => ({ key: 'devices.error.collectorInactive', vars: { collector: names.collector(Number(v.collectorId)) } }),
  device_not_found: (v, names) => ({ key: 'devices.error.gone', vars: { device: names.device(String(v.uniqueId)) } }),
};

/** A refusal of /api/devices in the page's words, from its `reason` code; the server's message where it has none the page knows. */
export function deviceRefusal(err: Refused, names: RefusalNames): Worded {
  const coded = wordingOf(WORDING, err, names);
  if (coded) return coded;
  const { status, message } = err;
  // The schema's own 400s (an id with spaces), and codes a newer server adds.
  if (status === 400) return { key: 'devices.error.badInput', vars: {} };
  if (status === 403) return { key: 'devices.error.forbidden', vars: {} };
  if (status === 404) return { key: 'devices.error.notFound', vars: { message } };
  if (status === 409) return { key: 'devices.error.conflict', vars: { message } };
  return { key: 'devices.error.failed', vars: { message } };
}
