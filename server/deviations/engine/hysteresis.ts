/**
 * Debounce of a condition in event time: it opens once it has held for openAfterMs and closes once
 * it has been false for closeAfterMs, so one incident is one event and a reading that flickers
 * (GPS jitter at a corridor edge) does not open and close a stream of them. A `null` reading is
 * "in between" (inside a hysteresis band): it neither starts nor resets either timer.
 */
export class Hysteresis {
  open = false;
  /** When the pending change started: the condition's first true reading while closed, first false while open. */
  private since: number | null = null;

  constructor(
    private openAfterMs: number,
    private closeAfterMs: number,
  ) {}

  configure(openAfterMs: number, closeAfterMs: number): void {
    this.openAfterMs = openAfterMs;
    this.closeAfterMs = closeAfterMs;
  }

  /** Returns 'open' with the time the condition began, or 'close' with the time it ended; else null. */
  update(tsMs: number, holds: boolean | null): { change: 'open' | 'close'; atMs: number } | null {
    if (holds === null) return null;
    if (holds !== this.open) {
      if (this.since === null) this.since = tsMs;
      if (tsMs - this.since >= (this.open ? this.closeAfterMs : this.openAfterMs)) {
        const atMs = this.since;
        this.open = !this.open;
        this.since = null;
        return { change: this.open ? 'open' : 'close', atMs };
      }
    } else {
      this.since = null;
    }
    return null;
  }

  /** Takes up an incident already open: it holds until readings say otherwise. */
  resumeOpen(): void {
    this.open = true;
    this.since = null;
  }

  reset(): void {
    this.open = false;
    this.since = null;
  }
}
