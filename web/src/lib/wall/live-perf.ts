/**
 * Main-thread time the wall spends on live updates, for `npm run bench:web`: one
 * `ronda:live-update` measure per stretch of work a live update causes — handling a
 * socket batch (applying it, Svelte's DOM updates) and handing the result to MapLibre
 * in an animation frame. Each is one uninterrupted slice of the main thread, which is
 * what must fit a frame (16 ms) for the wall not to stutter. The bench reads the
 * measures with a PerformanceObserver.
 */
let first = true;

/** `part`: which stretch it was, `batch` (socket handler) or `map` (the frame's setData). */
export function measureLiveWork(part: 'batch' | 'map', start: number, duration: number): void {
  performance.measure('ronda:live-update', { start, duration, detail: part });
  // Observers have the entry already; dropping it from the timeline keeps a wall left on for days from growing it.
  performance.clearMeasures('ronda:live-update');
}

/** The map drew live positions: the first time, the page is "live" (HTML → first live frame). */
export function liveFrameDrawn(): void {
  if (!first) return;
  first = false;
  performance.mark('ronda:first-live-frame');
}
