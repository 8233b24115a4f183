import type { Role } from '$contract/auth.ts';
import type { LinkStatus } from '../live.svelte.ts';

/** With nothing received for longer than this a team's wall says its data is stale (issue 2). */
export const STALE_AFTER_MS = 10_000;

export type ShownLinkState = LinkStatus | 'stale';

/**
 * What the wall says about its data: connected but silent for longer than
 * `staleAfterMs` is its own state, so an unattended wall never looks live when it is not.
 */
export function linkState(status: LinkStatus, lastMessageAt: number, nowMs: number, staleAfterMs: number): ShownLinkState {
  if (status !== 'connected') return status;
  return lastMessageAt > 0 && nowMs - lastMessageAt > staleAfterMs ? 'stale' : 'connected';
}

/**
 * How long a connected wall may stay silent before it says so. A team's wall hears from many
 * devices every few seconds; a collector's own day only from their own phone or tracker, which
 * may report once a minute or less, so there silence says nothing of the link (their marker
 * shows how old their last report is) and only a lost link is shown.
 */
export const staleAfterFor = (role: Role | undefined): number => (role === 'collector' ? Infinity : STALE_AFTER_MS);
