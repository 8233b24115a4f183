import type { ExpressionSpecification, Map as MapLibreMap } from 'maplibre-gl';
import { STATE_COLORS } from '../collector-state.ts';

export const SOS_BADGE_IMAGE = 'ronda-sos';
/** CSS pixels. Wide enough to read "SOS" across a room; the ring around it is wider still. */
const BADGE_W = 34;
const BADGE_H = 20;
/** A name label starts this far right of an SOS collector's centre: clear of the badge. */
export const SOS_LABEL_OFFSET_PX = BADGE_W / 2 + 4;

/** The red ring under the badge: a shape no other marker has, so an SOS reads as one even to someone who cannot tell the reds apart. */
export const sosRingRadius: ExpressionSpecification = ['interpolate', ['linear'], ['zoom'], 10, 17, 14, 19, 18, 22];
export const sosRingPaint = {
  'circle-radius': sosRingRadius,
  'circle-color': 'rgba(220, 38, 38, 0.22)',
  'circle-stroke-color': STATE_COLORS.sos,
  'circle-stroke-width': 3,
};

/**
 * "SOS" in white on the SOS red, with a white edge, drawn on a canvas because the wall ships no
 * sprite and no glyphs (map/label-images.ts). The same word in both languages.
 */
function badgeImage(pixelRatio: number): ImageData {
  const r = pixelRatio;
  const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('canvas 2d context unavailable');
  ctx.canvas.width = BADGE_W * r;
  ctx.canvas.height = BADGE_H * r;
  ctx.beginPath();
  ctx.roundRect(r, r, (BADGE_W - 2) * r, (BADGE_H - 2) * r, 5 * r);
  ctx.fillStyle = STATE_COLORS.sos;
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 2 * r;
  ctx.fill();
  ctx.stroke();
  ctx.font = `800 ${12 * r}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#ffffff';
  ctx.fillText('SOS', (BADGE_W / 2) * r, (BADGE_H / 2 + 0.5) * r);
  return ctx.getImageData(0, 0, BADGE_W * r, BADGE_H * r);
}

/** Adds the badge image once per map (the collectors' layer and the SOS places share it). */
export function addSosBadge(map: MapLibreMap): void {
  if (map.hasImage(SOS_BADGE_IMAGE)) return;
  const pixelRatio = Math.max(1, Math.round(window.devicePixelRatio));
  map.addImage(SOS_BADGE_IMAGE, badgeImage(pixelRatio), { pixelRatio });
}

/** Layout of a symbol layer that puts the badge on its point, over everything else. */
export const sosBadgeLayout = {
  'icon-image': SOS_BADGE_IMAGE,
  'icon-allow-overlap': true,
  'icon-ignore-placement': true,
} as const;
