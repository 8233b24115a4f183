import type { MessageKey } from './i18n.svelte.ts';

/**
 * The top bar's sections, in order. Issue 6 adds the dispatcher board and metrics
 * here as their pages land.
 */
export const NAV: readonly { href: string; label: MessageKey }[] = [
  { href: '/', label: 'nav.map' },
  { href: '/board', label: 'nav.board' },
  { href: '/replay', label: 'nav.replay' },
  { href: '/metrics', label: 'nav.metrics' },
];
