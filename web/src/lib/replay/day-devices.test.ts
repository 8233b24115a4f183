import { describe, expect, it } from 'vitest';
import { dayDevices, defaultDevice } from './day-devices.ts';

const held = [
  { uniqueId: 'ana-app', protocol: null },
  { uniqueId: 'ana-phone', protocol: 'osmand' },
];

describe('dayDevices', () => {
  it('offers the day’s devices, a tracker handed on since among them, before those held now, and opens on the last to report', () => {
    const used = [
      { uniqueId: 'ana-phone', protocol: 'osmand', firstTs: '2026-11-02T18:00:00.000Z', lastTs: '2026-11-02T19:00:00.000Z' },
      { uniqueId: 'tracker-7', protocol: 'gt06', firstTs: '2026-11-02T15:00:00.000Z', lastTs: '2026-11-02T17:00:00.000Z' },
    ];
    const devices = dayDevices(used, held);
    expect(devices.map((d) => [d.uniqueId, d.used?.lastTs ?? null])).toEqual([
      ['ana-phone', '2026-11-02T19:00:00.000Z'],
      ['tracker-7', '2026-11-02T17:00:00.000Z'],
      ['ana-app', null],
    ]);
    // The app's live report is today's, not that day's.
    expect(defaultDevice(devices, 'ana-app')?.uniqueId).toBe('ana-phone');
  });

  it('on a day with no report, offers the devices held now and opens on the one that reported last', () => {
    const devices = dayDevices([], held);
    expect(devices.map((d) => d.uniqueId)).toEqual(['ana-app', 'ana-phone']);
    expect(defaultDevice(devices, 'ana-phone')?.uniqueId).toBe('ana-phone');
    expect(defaultDevice(devices, undefined)?.uniqueId).toBe('ana-app');
    expect(defaultDevice(dayDevices([], []), undefined)).toBeUndefined();
  });
});
