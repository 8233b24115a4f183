import type { Role } from '$contract/auth.ts';
import { PORTFOLIO_WRITERS } from './accounts/account-rows.ts';
import { DEVICE_MANAGERS } from './devices/device-rows.ts';
import type { MessageKey } from './i18n.svelte.ts';
import { USER_MANAGERS } from './users/user-rows.ts';
import { TEAM_MANAGERS } from './team/team-rows.ts';

/**
 * The top bar's sections, in order. Issue 6 adds the dispatcher board and metrics
 * here as their pages land. `roles`: only these see the section (the API refuses the rest).
 */
export const NAV: readonly { href: string; label: MessageKey; roles?: readonly Role[] }[] = [
  { href: '/', label: 'nav.map' },
  { href: '/board', label: 'nav.board' },
  { href: '/replay', label: 'nav.replay' },
  { href: '/metrics', label: 'nav.metrics' },
  { href: '/accounts', label: 'nav.accounts', roles: PORTFOLIO_WRITERS },
  { href: '/devices', label: 'nav.devices', roles: DEVICE_MANAGERS },
  { href: '/users', label: 'nav.users', roles: USER_MANAGERS },
  { href: '/team', label: 'nav.team', roles: TEAM_MANAGERS },
];

/** The sections `role` may open; without a user, those open to everyone. */
export const navFor = (role: Role | undefined) => NAV.filter((item) => !item.roles || (role !== undefined && item.roles.includes(role)));
