import type { CollectorRefusal } from '$contract/collector.ts';
import type { TeamRefusal } from '$contract/team.ts';
import type { MessageKey } from '../i18n/es.ts';
import { wordingOf, type Refused as ApiRefusal, type RefusalValues as Values } from '../refusals.ts';

/** What the page needs of an ApiError: its status and the server's code with the values it names. */
export type Refused = Omit<ApiRefusal, 'message'>;

/** A refusal in the page's words, with where to go to fix it when that is another page. */
export interface RefusalText {
  text: string;
  link?: { href: string; label: string };
}

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export type CollectorAction = 'add' | 'edit' | 'move' | 'deactivate' | 'reactivate';

const count = (values: Values, name: string): number => Number(values[name] ?? 0);
const id = (values: Values, name: string): number => Number(values[name]);

/** What a collector refusal's words need besides its values. */
export interface CollectorRefusalContext {
  action: CollectorAction;
  /** The collector's name, as the page shows it. */
  name: string;
  /** A team's name by id, as the page lists teams. */
  team: (id: number) => string;
  t: Translate;
}

function hasVisits(values: Values, { action, name, t }: CollectorRefusalContext): RefusalText {
  const visits = count(values, 'visits');
  // The server sends it on a move or a deactivation only; anything else is worded as the latter.
  const key: MessageKey =
    action === 'move'
      ? visits === 1
        ? 'team.refusal.hasVisits.move.one'
        : 'team.refusal.hasVisits.move.other'
      : visits === 1
        ? 'team.refusal.hasVisits.deactivate.one'
        : 'team.refusal.hasVisits.deactivate.other';
  return { text: t(key, { name, visits }), link: { href: '/board', label: t('team.refusal.toBoard') } };
}

/**
 * Each code of the collector routes (server/contract/collector.ts COLLECTOR_REFUSALS) in the page's
 * words: a `Record` so a code the contract adds cannot be left unworded.
 */
const COLLECTOR_WORDING: Record<CollectorRefusal, (values: Values, c: CollectorRefusalContext) => RefusalText> = {
  collector_name_blank: (_, { t }) => ({ text: t('team.error.nameBlank') }),
  no_team_for_admins: (_, { t }) => ({ text: t('team.error.noTeamForAdmins') }),
  not_your_team: (_, { t }) => ({ text: t('team.error.notYourTeam') }),
  move_for_admins: (_, { name, t }) => ({ text: t('team.error.moveForAdmins', { name }) }),
  team_not_found: (v, { team, t }) => ({ text: t('team.error.noTeam', { team: team(id(v, 'teamId')) }) }),
  collector_not_found: (_, { name, t }) => ({ text: t('team.error.collectorGone', { name }) }),
  collector_has_visits: hasVisits,
  external_id_taken: (v, { t }) => ({ text: t('team.error.externalIdTaken', { externalId: String(v.externalId) }) }),
};

/**
 * Why the server refused a change to a collector (server/api/collector.routes.ts), in the page's
 * words, from its `reason` code; null: a refusal this page does not know, show the server's message.
 */
export function collectorRefusal(err: Refused, c: CollectorRefusalContext): RefusalText | null {
  const coded = wordingOf(COLLECTOR_WORDING, err, c);
  if (coded) return coded;
  // The schema's own 400s (a field the form let through) carry no code.
  if (err.status === 400) return { text: c.t('team.error.badCollector') };
  if (err.status === 403) return { text: c.t('team.error.forbidden') };
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

/** What a team refusal's words need besides its values. */
export interface TeamRefusalContext {
  /** The team's name: the one asked for on a create or rename, else as the page lists it. */
  name: string;
  t: Translate;
  languageTag: string;
}

/**
 * Each code of the team routes (server/contract/team.ts TEAM_REFUSALS) in the page's words: a
 * `Record` so a code the contract adds cannot be left unworded.
 */
const TEAM_WORDING: Record<TeamRefusal, (values: Values, c: TeamRefusalContext) => RefusalText> = {
  // The other team as stored: the same name, or the same in other letter case (migration 0011).
  team_name_taken: (v, { name, t }) => {
    const other = String(v.name ?? name);
    return { text: t(other === name ? 'team.error.duplicateTeam' : 'team.error.duplicateTeamCase', { team: other }) };
  },
  unknown_time_zone: (v, { t }) => ({ text: t('team.error.unknownZone', { zone: String(v.timeZone) }) }),
  unknown_currency: (v, { t }) => ({ text: t('team.error.unknownCurrency', { currency: String(v.currency) }) }),
  team_not_found: (_, { name, t }) => ({ text: t('team.error.teamGone', { team: name }) }),
  team_not_empty: (v, { name, t, languageTag }) => {
    const held = holdingsText(v, t, languageTag);
    return { text: held === '' ? t('team.refusal.notEmptyNow', { team: name }) : t('team.refusal.notEmpty', { team: name, holdings: held }) };
  },
};

/** Why the server refused a change to a team, in the page's words, from its `reason` code; null: show the server's message. */
export function teamRefusal(err: Refused, c: TeamRefusalContext): RefusalText | null {
  const coded = wordingOf(TEAM_WORDING, err, c);
  if (coded) return coded;
  // The schema's own 400s (a name too long, a currency not of three capitals) carry no code.
  if (err.status === 400) return { text: c.t('team.error.badTeam') };
  if (err.status === 403) return { text: c.t('team.error.forbidden') };
  return null;
}
