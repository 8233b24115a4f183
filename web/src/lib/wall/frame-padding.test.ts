import { describe, expect, it } from 'vitest';
import { clearSpot, framePadding, OVERLAY_GAP_PX } from './frame-padding.ts';

const BASE = { top: 60, right: 60, bottom: 60, left: 60 };
const GAP = OVERLAY_GAP_PX;

describe('framePadding', () => {
  // The wall at 1366 × 768 in kiosk mode: a 1038 px wide map under the KPI bar, the legend column and the ticker.
  const W = 1038;
  const H = 768;
  const kpis = { left: 12, top: 12, right: 870, bottom: 100 };
  const legendColumn = { left: 882, top: 12, right: 1026, bottom: 246 };
  const ticker = { left: 12, top: 712, right: 978, bottom: 756 };

  it('keeps the fleet left of the legend column, below the KPI bar and above the ticker', () => {
    expect(framePadding(W, H, [kpis, legendColumn, ticker], BASE)).toEqual({
      top: 100 + GAP,
      right: W - 882 + GAP,
      bottom: H - 712 + GAP,
      left: 60,
    });
  });

  it('keeps the name labels, drawn right of their markers, clear of the legend column and inside the map', () => {
    const label = 150;
    expect(framePadding(W, H, [kpis, legendColumn, ticker], BASE, label)).toEqual({
      top: 100 + GAP,
      right: W - 882 + GAP + label,
      bottom: H - 712 + GAP,
      left: 60,
    });
    expect(framePadding(W, H, [], BASE, label)).toEqual({ ...BASE, right: label });
  });

  it('keeps the base padding where no panel is, and ignores panels that are hidden or empty', () => {
    const hidden = { left: 500, top: 300, right: 500, bottom: 300 };
    const offMap = { left: W + 10, top: 10, right: W + 200, bottom: 200 };
    expect(framePadding(W, H, [hidden, offMap], BASE)).toEqual(BASE);
  });

  it('clears a full-width row of filters (a tablet, no legend) from the top rather than the side', () => {
    const filters = { left: 12, top: 110, right: 1026, bottom: 150 };
    expect(framePadding(W, H, [filters], BASE)).toEqual({ ...BASE, top: 150 + GAP });
  });

  it('never leaves the fleet less than 30 % of the map, which fitBounds would refuse', () => {
    const pad = framePadding(400, 300, [{ left: 0, top: 0, right: 400, bottom: 200 }, { left: 0, top: 150, right: 400, bottom: 300 }], BASE);
    expect(pad.top + pad.bottom).toBeLessThanOrEqual(300 * 0.7);
    expect(pad.top).toBeGreaterThan(pad.bottom);
  });
});

describe('clearSpot', () => {
  // A phone held sideways: a 524 × 302 map under the KPI row, the zone switch at its right, the ticker
  // at its foot, and the chosen collector's card (365 × 183) over its left and middle.
  const W = 524;
  const H = 302;
  const kpis = { left: 12, top: 12, right: 512, bottom: 62 };
  const zoneSwitch = { left: 370, top: 72, right: 512, bottom: 104 };
  const ticker = { left: 12, top: 262, right: 464, bottom: 290 };
  const card = { left: 16, top: 54, right: 381, bottom: 237 };

  it('is the middle when no panel covers it', () => {
    expect(clearSpot(W, H, [kpis, ticker], GAP)).toEqual({ x: W / 2, y: H / 2 });
  });

  it('is beside the card that covers the middle, clear of every panel and inside the map', () => {
    const spot = clearSpot(W, H, [kpis, zoneSwitch, ticker, card], GAP)!;
    expect(spot.x - GAP).toBeGreaterThanOrEqual(card.right);
    expect(spot.x + GAP).toBeLessThanOrEqual(W);
    expect(spot.y - GAP).toBeGreaterThanOrEqual(zoneSwitch.bottom);
    expect(spot.y + GAP).toBeLessThanOrEqual(ticker.top);
  });

  it('keeps the name label right of the spot inside the map and clear of the panels', () => {
    const label = 80;
    const spot = clearSpot(W, H, [kpis, ticker], GAP, label)!;
    expect(spot).toEqual({ x: W / 2, y: H / 2 });
    expect(clearSpot(W, H, [kpis, zoneSwitch, ticker, card], GAP, 200)).toBeNull();
  });

  it('is the nearest clear spot to the middle: above a card low on the map rather than far beside it', () => {
    const low = { left: 8, top: 200, right: 516, bottom: 296 };
    const spot = clearSpot(W, H, [kpis, low], GAP)!;
    expect(spot.y + GAP).toBeLessThanOrEqual(low.top);
    expect(spot.y - GAP).toBeGreaterThanOrEqual(kpis.bottom);
    expect(Math.abs(spot.x - W / 2)).toBeLessThanOrEqual(8);
  });
});
