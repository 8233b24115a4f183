/** A box in the map's own pixels (0,0 = its top-left corner). */
export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** MapLibre's fitBounds padding, in pixels. */
export interface Padding {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Between a panel's edge and the nearest collector: a marker's radius and a little air. */
export const OVERLAY_GAP_PX = 24;
/** Whatever the panels, the fleet keeps at least this share of the map's width and height. */
const MIN_VIEW_SHARE = 0.3;

const SIDES = ['top', 'right', 'bottom', 'left'] as const;

/**
 * Padding that frames the fleet clear of the panels floating over the map (KPI bar,
 * filters and legend, payment ticker), so none of them hides a collector. Each panel is
 * cleared along the side that costs the least of the view: a wide bar at the top pushes
 * the fleet down, a tall column at the right edge pushes it left. `base` is the least
 * padding on every side. `labelPx`: how far the widest name label reaches right of its
 * marker; a collector left of a panel keeps its label, not only its marker, clear of it
 * (and inside the map at its right edge).
 */
export function framePadding(width: number, height: number, overlays: Iterable<Rect>, base: Padding, labelPx = 0): Padding {
  const pad: Padding = { ...base, right: Math.max(base.right, labelPx) };
  for (const r of overlays) {
    const left = Math.max(0, r.left);
    const top = Math.max(0, r.top);
    const right = Math.min(width, r.right);
    const bottom = Math.min(height, r.bottom);
    if (right <= left || bottom <= top) continue; // hidden, empty, or off the map
    const clear: Padding = {
      top: bottom + OVERLAY_GAP_PX,
      right: width - left + OVERLAY_GAP_PX + labelPx,
      bottom: height - top + OVERLAY_GAP_PX,
      left: right + OVERLAY_GAP_PX,
    };
    const share = (side: (typeof SIDES)[number]) => clear[side] / (side === 'top' || side === 'bottom' ? height : width);
    const side = SIDES.reduce((best, s) => (share(s) < share(best) ? s : best));
    pad[side] = Math.max(pad[side], clear[side]);
  }
  // fitBounds does nothing at all when the padding leaves no room: shrink it instead.
  fit(pad, 'top', 'bottom', height);
  fit(pad, 'left', 'right', width);
  return pad;
}

function fit(pad: Padding, a: keyof Padding, b: keyof Padding, size: number): void {
  const room = size * (1 - MIN_VIEW_SHARE);
  const total = pad[a] + pad[b];
  if (total <= room) return;
  pad[a] = Math.floor((pad[a] * room) / total);
  pad[b] = Math.floor((pad[b] * room) / total);
}

/** A point of the map, in its own pixels. */
export interface Spot {
  x: number;
  y: number;
}

/**
 * Where to bring one place (a collector chosen in the list, a stop of their route): the spot nearest
 * the map's middle at which it, `margin` around it and `labelPx` more to its right (its name), are
 * inside the map and clear of every panel. Null when the panels leave no such spot. Searched on a
 * grid of `step` px: a panel's edge is met to within that.
 */
export function clearSpot(width: number, height: number, overlays: readonly Rect[], margin: number, labelPx = 0, step = 8): Spot | null {
  const panels = overlays.filter((r) => r.right > r.left && r.bottom > r.top);
  const clear = (x: number, y: number) =>
    x >= margin && y >= margin && x + margin + labelPx <= width && y + margin <= height &&
    panels.every((r) => x + margin + labelPx <= r.left || x - margin >= r.right || y + margin <= r.top || y - margin >= r.bottom);
  const middle = { x: width / 2, y: height / 2 };
  if (clear(middle.x, middle.y)) return middle;
  let best: Spot | null = null;
  let bestDistance = Infinity;
  for (let y = margin; y <= height - margin; y += step) {
    for (let x = margin; x <= width - margin - labelPx; x += step) {
      const distance = (x - middle.x) ** 2 + (y - middle.y) ** 2;
      if (distance < bestDistance && clear(x, y)) {
        best = { x, y };
        bestDistance = distance;
      }
    }
  }
  return best;
}
