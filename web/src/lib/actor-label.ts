import { ROLES } from '$contract/auth.ts';
import type { MessageKey } from './i18n/es.ts';

const ROLE_NAMES: ReadonlySet<string> = new Set(ROLES);

/**
 * Who made a change, as the server labels users ("Dora López (dispatcher)", server/operations/actor.ts),
 * with the role in the dashboard's language: the label is stored as written, in English.
 */
export function localActor(label: string, t: (key: MessageKey) => string): string {
  // A collector's phone or tracker (a check-in, a payment): "device ana-phone" read in English on a Spanish board.
  const device = /^device (\S+)$/.exec(label);
  if (device) return t('actor.device').replace('{id}', device[1]);
  const m = /^(.*) \((\w+)\)$/.exec(label);
  return m && ROLE_NAMES.has(m[2]) ? `${m[1]} (${t(`role.${m[2]}` as MessageKey)})` : label;
}
