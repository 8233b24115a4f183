import type { MessageKey } from '../i18n/es.ts';

/** What the page needs of an ApiError: its status and the server's code with the values it names. */
export interface Refused {
  status: number;
  reason?: string;
  values?: Record<string, string | number>;
}

/** A refusal in the page's words, with where to go to fix it when that is another page. */
export interface RefusalText {
  text: string;
  link?: { href: string; label: string };
}

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export type CollectorAction = 'add' | 'edit' | 'move' | 'deactivate' | 'reactivate';
export type TeamAction = 'create' | 'edit' | 'delete';

const count = (values: Refused['values'], name: string): number => Number(values?.[name] ?? 0);

/**
 * Why the server refused a change to `name` (server/api/collector.routes.ts), in the page's words;
 * null: a refusal this page does not know, show the server's message.
 */
export function collectorRefusal(action: CollectorAction, err: Refused, name: string, t: Translate): RefusalText | null {
  if (err.status === 409 && err.reason === 'collector_has_visits' && (action === 'deactivate' || action === 'move')) {
    const visits = count(err.values, 'visits');
    const key: MessageKey = action === 'deactivate' ? (visits === 1 ? 'team.refusal.hasVisits.deactivate.one' : 'team.refusal.hasVisits.deactivate.other') : visits === 1 ? 'team.refusal.hasVisits.move.one' : 'team.refusal.hasVisits.move.other';
    return { text: t(key, { name, visits }), link: { href: '/board', label: t('team.refusal.toBoard') } };
  }
  if (err.status === 400) return { text: t('team.error.badCollector') };
  if (err.status === 403) return { text: t(action === 'add' ? 'team.error.notYourTeam' : 'team.error.forbidden') };
  if (err.status === 404) return { text: t(action === 'add' ? 'team.error.noTeam' : 'team.error.collectorGone', { name }) };
  return null;
}

/**
 * What a team holds that blocks its deletion (server/operations/team-removal.ts HOLDINGS), in the
 * order the server names them; a `Record` so each has both its singular and its plural.
 */
const HOLDINGS: Record<string, readonly [MessageKey, MessageKey]> = {
  collectors: ['team.holding.collectors.one', 'team.holding.collectors.other'],
  users: ['team.holding.users.one', 'team.holding.users.other'],
  accounts: ['team.holding.accounts.one', 'team.holding.accounts.other'],
  visits: ['team.holding.visits.one', 'team.holding.visits.other'],
  plans: ['team.holding.plans.one', 'team.holding.plans.other'],
  events: ['team.holding.events.one', 'team.holding.events.other'],
  checkins: ['team.holding.checkins.one', 'team.holding.checkins.other'],
  payments: ['team.holding.payments.one', 'team.holding.payments.other'],
  promises: ['team.holding.promises.one', 'team.holding.promises.other'],
};

/** "2 cobradores, 1 usuario y 40 cuentas": `languageTag` joins them as its language does. */
export function holdingsText(values: Record<string, string | number>, t: Translate, languageTag: string): string {
  const parts = Object.entries(values)
    .map(([what, v]) => [what, Number(v)] as const)
    .filter(([, n]) => n > 0)
    .map(([what, n]) => {
      const keys = Object.hasOwn(HOLDINGS, what) ? HOLDINGS[what] : undefined;
      // A holding a newer server counts and this page does not know: named as the server names it.
      return keys ? t(keys[n === 1 ? 0 : 1], { n }) : `${n} ${what}`;
    });
  return new Intl.ListFormat(languageTag, { type: 'conjunction' }).format(parts);
}

/** Why the server refused a change to the team `name`, in the page's words; null: show the server's message. */
export function teamRefusal(action: TeamAction, err: Refused, name: string, t: Translate, languageTag: string): RefusalText | null {
  if (err.status === 409 && err.reason === 'team_not_empty') {
    const held = holdingsText(err.values ?? {}, t, languageTag);
    return { text: held === '' ? t('team.refusal.notEmptyNow', { team: name }) : t('team.refusal.notEmpty', { team: name, holdings: held }) };
  }
  // POST and PATCH /api/teams: another team has this name, in any letter case (migration 0011).
  if (err.status === 409 && action !== 'delete') return { text: t('team.error.duplicateTeam', { team: name }) };
  if (err.status === 400) return { text: t('team.error.badTeam') };
  if (err.status === 403) return { text: t('team.error.forbidden') };
  if (err.status === 404) return { text: t('team.error.teamGone', { team: name }) };
  return null;
}
