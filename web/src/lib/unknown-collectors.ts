/**
 * A collector the live stream names but the list has not loaded (added since the list
 * loaded, or moved into this team) makes the list reload: soon, so they are on the wall
 * within SPEC §1's 2 s, yet at most once per RELOAD_MIN_INTERVAL_MS however many arrive.
 */
export const RELOAD_MIN_INTERVAL_MS = 1_000;
/**
 * An id a reload did not bring in (a deactivated collector whose phone still reports, one
 * outside this person's scope) is not chased again before this: each of its positions
 * would otherwise reload the whole list once a second.
 */
export const MISSING_RETRY_MS = 30_000;

/** Which unknown collectors call for a reload, and when; the list does the loading. */
export class UnknownCollectors {
  #wanted = new Set<number>();
  #missingSince = new Map<number, number>();

  /** A position of a collector the list does not have: whether it calls for a reload. */
  seen(id: number, nowMs: number): boolean {
    const since = this.#missingSince.get(id);
    if (since !== undefined && nowMs - since < MISSING_RETRY_MS) return false;
    this.#wanted.add(id);
    return true;
  }

  /** Someone is waiting for a reload. */
  get pending(): boolean {
    return this.#wanted.size > 0;
  }

  /** How long to wait before reloading, given when the last load started. */
  delayMs(lastLoadAtMs: number, nowMs: number): number {
    return Math.max(0, lastLoadAtMs + RELOAD_MIN_INTERVAL_MS - nowMs);
  }

  /** A reload starts: the ids it is meant to bring in. Ids seen while it runs wait for the next one. */
  begin(): ReadonlySet<number> {
    const requested = this.#wanted;
    this.#wanted = new Set();
    return requested;
  }

  /** A reload finished (`has`: whether the list has the id now); what it did not bring in is set aside. */
  loaded(requested: ReadonlySet<number>, has: (id: number) => boolean, nowMs: number): void {
    for (const id of requested) {
      if (has(id)) this.#missingSince.delete(id);
      else this.#missingSince.set(id, nowMs);
    }
  }
}
