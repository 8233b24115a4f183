import { describe, expect, it } from 'vitest';
import { emptyBox, extendBox, frameBox, MIN_SOS_FRAME_ZOOM, onScreen, type Box } from './sos-framing.ts';

/** A web-mercator-like zoom for a box on a 1000 px map: each halving of the span is one level in. */
const zoomFor = (b: Box) => Math.log2((360 * 1000) / 256 / Math.max(b[2] - b[0], b[3] - b[1], 1e-9));
const box = (...points: [number, number][]) => {
  const b = emptyBox();
  for (const p of points) extendBox(b, p);
  return b;
};

describe('frameBox', () => {
  const fleet = box([-103.36, 20.66], [-103.34, 20.68]);

  it('frames the fleet alone with no SOS open, and nothing with neither', () => {
    expect(frameBox(fleet, emptyBox(), zoomFor)).toEqual(fleet);
    expect(frameBox(emptyBox(), emptyBox(), zoomFor)).toBeNull();
  });

  it('keeps the fleet in view with an SOS a few kilometres out', () => {
    const sos = box([-103.3, 20.7]);
    expect(zoomFor([-103.36, 20.66, -103.3, 20.7])).toBeGreaterThan(MIN_SOS_FRAME_ZOOM);
    expect(frameBox(fleet, sos, zoomFor)).toEqual([-103.36, 20.66, -103.3, 20.7]);
  });

  it('frames an SOS in another city alone', () => {
    const sos = box([-99.13, 19.43]);
    expect(frameBox(fleet, sos, zoomFor)).toEqual(sos);
    expect(frameBox(emptyBox(), sos, zoomFor)).toEqual(sos);
    expect(frameBox(fleet, sos, () => null)).toEqual(sos);
  });

  it('keeps a fleet across a whole state with an SOS just past its edge, not one that doubles it twice', () => {
    const wide = box([-105, 19], [-102, 22]);
    expect(zoomFor(wide)).toBeLessThan(MIN_SOS_FRAME_ZOOM);
    expect(frameBox(wide, box([-101, 21]), zoomFor)).toEqual([-105, 19, -101, 22]);
    expect(frameBox(wide, box([-93, 21]), zoomFor)).toEqual([-93, 21, -93, 21]);
  });
});

describe('onScreen', () => {
  const kpis = { left: 12, top: 12, right: 870, bottom: 100 };
  const hidden = { left: 0, top: 0, right: 0, bottom: 0 };

  it('is on screen inside the map, clear of the panels by the margin', () => {
    expect(onScreen(500, 400, 1038, 768, [kpis, hidden], 20)).toBe(true);
    expect(onScreen(500, 121, 1038, 768, [kpis], 20)).toBe(true);
  });

  it('is not under a panel or within the margin of one, nor outside or at the edge of the map', () => {
    expect(onScreen(500, 60, 1038, 768, [kpis], 20)).toBe(false);
    expect(onScreen(500, 115, 1038, 768, [kpis], 20)).toBe(false);
    expect(onScreen(-30, 400, 1038, 768, [], 20)).toBe(false);
    expect(onScreen(1030, 400, 1038, 768, [], 20)).toBe(false);
    expect(onScreen(500, 2000, 1038, 768, [], 20)).toBe(false);
  });
});
