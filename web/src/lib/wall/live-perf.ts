/**
 * Main-thread time the wall spends per live update, for `npm run bench:web`: the
 * socket handler's work (applying the batch, Svelte's DOM updates) adds up here, and
 * the frame that hands the result to MapLibre closes it as one
 * `ronda:live-update` measure. The bench reads the measures with a PerformanceObserver.
 */
let pendingMs = 0;
let first = true;

export function addLiveWork(ms: number): void {
  pendingMs += ms;
}

/** Called once per animation frame that drew live data; `frameMs` is that frame's own work. */
export function endLiveFrame(frameStart: number, frameMs: number): void {
  performance.measure('ronda:live-update', { start: frameStart, duration: pendingMs + frameMs });
  pendingMs = 0;
  // Observers have the entry already; dropping it from the timeline keeps a wall left on for days from growing it.
  performance.clearMeasures('ronda:live-update');
  if (first) {
    first = false;
    performance.mark('ronda:first-live-frame');
  }
}
