import type { MessageKey } from './i18n/es.ts';

const ROLES = new Set(['admin', 'manager', 'supervisor', 'dispatcher', 'collector']);

/**
 * Who made a change, as the server labels users ("Dora López (dispatcher)", server/operations/actor.ts),
 * with the role in the dashboard's language: the label is stored as written, in English.
 */
export function localActor(label: string, t: (key: MessageKey) => string): string {
  const m = /^(.*) \((\w+)\)$/.exec(label);
  return m && ROLES.has(m[2]) ? `${m[1]} (${t(`role.${m[2]}` as MessageKey)})` : label;
}
