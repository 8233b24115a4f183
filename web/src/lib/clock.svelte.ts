/**
 * One shared 1 Hz clock. Ages ("hace 12 s"), the offline rule and the stale badge all
 * read `clock.now`, so each of them re-renders once a second and nothing else does.
 */
class Clock {
  now = $state(Date.now());

  constructor() {
    if (typeof window !== 'undefined') setInterval(() => (this.now = Date.now()), 1000);
  }
}

export const clock = new Clock();
