import type { Role } from '$contract/auth.ts';
import type { CollectorSummary } from '$contract/collector.ts';

/**
 * Who manages collectors (server/api/collector.routes.ts `admins`): an admin, and a supervisor for
 * their own team. Teams themselves are an admin's only (`teamAdmins`).
 */
export const TEAM_MANAGERS: readonly Role[] = ['admin', 'supervisor'];
export const TEAM_EDITORS: readonly Role[] = ['admin'];

type Searched = Pick<CollectorSummary, 'name' | 'teamName' | 'devices' | 'phone'>;

/** A query that is a phone number, or part of one, as people type them: digits, spaces and + ( ) . - */
const PHONE_QUERY = /^[\d\s()+.-]*\d[\d\s()+.-]*$/;
const digits = (text: string) => text.replace(/\D/g, '');

/**
 * Collectors whose name, team, phone or a device's id holds `query`. `key` folds case and accents (the
 * wall's searchKey), so "jose" finds "José". A query of digits finds a phone however either is spaced
 * or dashed: "3312345678" finds "33 1234 5678".
 */
export function filterCollectors<C extends Searched>(collectors: readonly C[], query: string, key: (text: string) => string): C[] {
  const q = key(query.trim());
  if (q === '') return [...collectors];
  const number = PHONE_QUERY.test(q) ? digits(q) : null;
  return collectors.filter(
    (c) =>
      key([c.name, c.teamName ?? '', c.phone ?? '', ...c.devices.map((d) => d.uniqueId)].join('\n')).includes(q) ||
      (number !== null && c.phone !== null && digits(c.phone).includes(number)),
  );
}

/**
 * What a collector's edit sends: only the fields that differ, so a rename is not refused for a move
 * nobody asked for. The phone box starts with the current phone: emptied, the phone is removed.
 */
export function collectorPatch(
  before: Pick<CollectorSummary, 'name' | 'phone' | 'teamId'>,
  form: { name: string; phone: string; teamId: number | null },
): { name?: string; phone?: string | null; teamId?: number } {
  const name = form.name.trim();
  const phone = form.phone.trim();
  return {
    ...(name !== before.name ? { name } : {}),
    // Compared trimmed: a phone stored with spaces around it is not changed by a rename.
    ...(phone !== (before.phone ?? '').trim() ? { phone: phone === '' ? null : phone } : {}),
    ...(form.teamId !== null && form.teamId !== before.teamId ? { teamId: form.teamId } : {}),
  };
}
