import { describe, expect, it } from 'vitest';
import type { DemoDevice } from './seed-demo.ts';
import { fleetFile } from './start-fleet.ts';

const ports = { mqtt: 1883, gt06: 5023, teltonika: 5027, h02: 5013, osmand: 5055 };
const device = (uniqueId: string, collectorId: number, kind: DemoDevice['kind']): DemoDevice => ({ uniqueId, token: `t-${uniqueId}`, collectorId, kind });

describe('the demo fleet file', () => {
  it("gives each tracker its collector's app, and only phones without a tracker report positions", () => {
    const file = fleetFile(
      [
        device('p1', 1, 'phone'),
        device('p2', 2, 'phone'), device('imei-2', 2, 'gt06'),
        device('p3', 3, 'phone'), device('imei-3', 3, 'teltonika'),
        device('p4', 4, 'phone'), device('imei-4', 4, 'h02'),
        device('p5', 5, 'phone'), device('traccar-5', 5, 'osmand'),
        device('p6', 6, 'phone'), device('owntracks-6', 6, 'owntracks'),
      ],
      ports,
      1000,
    );
    expect(file.phones).toEqual([{ uniqueId: 'p1', token: 't-p1' }]);
    expect(file.trackers).toEqual([
      { kind: 'gt06', imei: 'imei-2', port: 5023, app: { uniqueId: 'p2', token: 't-p2' } },
      { kind: 'teltonika', imei: 'imei-3', port: 5027, app: { uniqueId: 'p3', token: 't-p3' } },
      { kind: 'h02', imei: 'imei-4', port: 5013, app: { uniqueId: 'p4', token: 't-p4' } },
      { kind: 'osmand', imei: 'traccar-5', port: 5055, app: { uniqueId: 'p5', token: 't-p5' } },
      // OwnTracks logs in to the MQTT broker with its own token.
      { kind: 'owntracks', imei: 'owntracks-6', port: 1883, token: 't-owntracks-6', app: { uniqueId: 'p6', token: 't-p6' } },
    ]);
  });

  it('refuses a tracker whose collector has no phone: its visits would never be checked in', () => {
    expect(() => fleetFile([device('imei-9', 9, 'gt06')], ports, 1000)).toThrow(/imei-9 has no app/);
  });
});
