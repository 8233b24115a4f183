import type { LinkStatus } from '../live.svelte.ts';

export type ShownLinkState = LinkStatus | 'stale';

/**
 * What the wall says about its data: connected but silent for longer than
 * `staleAfterMs` is its own state, so an unattended wall never looks live when it is not.
 */
export function linkState(status: LinkStatus, lastMessageAt: number, nowMs: number, staleAfterMs: number): ShownLinkState {
  if (status !== 'connected') return status;
  return lastMessageAt > 0 && nowMs - lastMessageAt > staleAfterMs ? 'stale' : 'connected';
}
