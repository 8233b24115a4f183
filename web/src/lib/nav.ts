import type { Role } from '$contract/auth.ts';
import { PORTFOLIO_WRITERS } from './accounts/account-rows.ts';
import { DEVICE_MANAGERS } from './devices/device-rows.ts';
import { BOARD_USERS } from './board/board-plan.ts';
import type { MessageKey } from './i18n.svelte.ts';
import { USER_MANAGERS } from './users/user-rows.ts';
import { TEAM_MANAGERS } from './team/team-rows.ts';

export interface NavItem {
  href: string;
  label: MessageKey;
  /** Only these see the section (the API refuses the rest). */
  roles?: readonly Role[];
  /**
   * Set up once, seldom opened: behind one "Gestión" (management) menu, so an admin's sections
   * still fit a 1024 px tablet's top bar in one row.
   */
  admin?: true;
}

/** The top bar's sections, in order. */
export const NAV: readonly NavItem[] = [
  { href: '/', label: 'nav.map' },
  { href: '/board', label: 'nav.board', roles: BOARD_USERS },
  { href: '/replay', label: 'nav.replay' },
  { href: '/metrics', label: 'nav.metrics' },
  { href: '/accounts', label: 'nav.accounts', roles: PORTFOLIO_WRITERS },
  { href: '/team', label: 'nav.team', roles: TEAM_MANAGERS, admin: true },
  { href: '/users', label: 'nav.users', roles: USER_MANAGERS, admin: true },
  { href: '/devices', label: 'nav.devices', roles: DEVICE_MANAGERS, admin: true },
];

/** The sections `role` may open; without a user, those open to everyone. */
export const navFor = (role: Role | undefined) => NAV.filter((item) => !item.roles || (role !== undefined && item.roles.includes(role)));
