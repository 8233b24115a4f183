import type { Rect } from './frame-padding.ts';

/** [west, south, east, north] in degrees; west = Infinity while it holds no point. */
export type Box = [number, number, number, number];

export const emptyBox = (): Box => [Infinity, Infinity, -Infinity, -Infinity];

export const isEmptyBox = (b: Box): boolean => !Number.isFinite(b[0]);

/** Grows `box` to hold a [lon, lat]. */
export function extendBox(box: Box, [lon, lat]: readonly [number, number]): void {
  box[0] = Math.min(box[0], lon);
  box[1] = Math.min(box[1], lat);
  box[2] = Math.max(box[2], lon);
  box[3] = Math.max(box[3], lat);
}

/**
 * Zoomed out past this, the streets around an SOS are too small to tell where it is (about 150 km
 * across a wall's map): an SOS that would take the view there to keep the fleet in it is framed alone.
 */
export const MIN_SOS_FRAME_ZOOM = 10;

/**
 * What the wall frames: the fleet and its open SOS together, while that still shows streets
 * (MIN_SOS_FRAME_ZOOM) or no more than doubles the span the fleet needs by itself (a fleet across a
 * whole state). An SOS farther out (another city, a last known fix from days ago) is framed alone:
 * the SOS is what the supervisor must see. `zoomFor`: the zoom that shows a box (MapLibre's
 * `cameraForBounds`), null when none can. Null when there is nothing to frame.
 */
export function frameBox(fleet: Box, sos: Box, zoomFor: (b: Box) => number | null): Box | null {
  if (isEmptyBox(sos)) return isEmptyBox(fleet) ? null : fleet;
  if (isEmptyBox(fleet)) return sos;
  const both: Box = [Math.min(fleet[0], sos[0]), Math.min(fleet[1], sos[1]), Math.max(fleet[2], sos[2]), Math.max(fleet[3], sos[3])];
  const zoomBoth = zoomFor(both);
  if (zoomBoth === null) return sos;
  if (zoomBoth >= MIN_SOS_FRAME_ZOOM) return both;
  const zoomFleet = zoomFor(fleet);
  return zoomFleet !== null && zoomBoth >= zoomFleet - 1 ? both : sos;
}

/**
 * Whether a point of the map, in its own pixels, is where someone looking at the wall sees it:
 * inside the map and clear of the panels floating over it, by `marginPx` (what is drawn around
 * the point: an SOS badge is 34 px wide).
 */
export function onScreen(x: number, y: number, width: number, height: number, overlays: Iterable<Rect>, marginPx: number): boolean {
  if (x < marginPx || y < marginPx || x > width - marginPx || y > height - marginPx) return false;
  for (const r of overlays) {
    if (r.right <= r.left || r.bottom <= r.top) continue; // a hidden panel
    if (x > r.left - marginPx && x < r.right + marginPx && y > r.top - marginPx && y < r.bottom + marginPx) return false;
  }
  return true;
}
