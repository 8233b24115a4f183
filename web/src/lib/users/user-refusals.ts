import type { UserRefusal } from '$contract/user.ts';
import type { Worded } from './user-rows.ts';
import { wordingOf, type Refused, type RefusalValues as Values } from '../refusals.ts';

export type { Refused };

/** Names of what a refusal's `values` point at by id, as the page lists them. */
export interface RefusalNames {
  team: (id: number) => string;
  collector: (id: number) => string;
}

const id = (values: Values, name: string): number => Number(values[name]);

/**
 * Each code of the user routes (server/contract/user.ts USER_REFUSALS) in the page's words: a
 * `Record` so a code the contract adds cannot be left unworded.
 */
const WORDING: Record<UserRefusal, (values: Values, names: RefusalNames) => Worded> = {
  team_required: () => ({ key: 'users.problem.noTeam', vars: {} }),
  team_not_allowed: () => ({ key: 'users.error.teamNotAllowed', vars: {} }),
  collector_not_allowed: () => ({ key: 'users.error.collectorNotAllowed', vars: {} }),
  collector_required: () => ({ key: 'users.problem.noCollector', vars: {} }),
  team_not_found: (v, names) => ({ key: 'users.error.teamGone', vars: { team: names.team(id(v, 'teamId')) } }),
  collector_not_found: (v, names) => ({ key: 'users.error.collectorGone', vars: { collector: names.collector(id(v, 'collectorId')) } }),
  collector_not_in_team: (v, names) => ({
    key: 'users.error.collectorNotInTeam',
    vars: { collector: names.collector(id(v, 'collectorId')), team: names.team(id(v, 'teamId')) },
  }),
  collector_has_login: (v, names) => ({ key: 'users.error.collectorTaken', vars: { collector: names.collector(id(v, 'collectorId')), email: String(v.email) } }),
  email_taken: (v) => ({ key: 'users.error.emailTaken', vars: { email: String(v.email) } }),
  user_not_found: () => ({ key: 'users.error.userGone', vars: {} }),
  last_admin: () => ({ key: 'users.error.lastAdmin', vars: {} }),
};

/** A refusal of /api/users in the page's words, from its `reason` code; the server's message where it has none the page knows. */
export function userRefusal(err: Refused, names: RefusalNames): Worded {
  const coded = wordingOf(WORDING, err, names);
  if (coded) return coded;
  const { status, message } = err;
  // Codes a newer server adds, and the schema's own 400s (a field the form let through).
  if (status === 409) return { key: 'users.error.conflict', vars: { message } };
  if (status === 400) return { key: 'users.error.badInput', vars: { message } };
  if (status === 403) return { key: 'users.error.forbidden', vars: {} };
  if (status === 404) return { key: 'users.error.gone', vars: { message } };
  return { key: 'users.error.failed', vars: { message } };
}
