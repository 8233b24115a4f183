import { describe, expect, it } from 'vitest';
import { GT06_ALARMS } from '../../device-protocols/index.ts';
import { alarmKind, deviceAlarmName } from './alarm-kind.ts';

describe('alarmKind', () => {
  it("names every GT06 alarm and Teltonika's and H02's own", () => {
    expect(Object.values(GT06_ALARMS).map(alarmKind)).toEqual(['sos', 'power_cut', 'vibration', 'geofence_enter', 'geofence_exit', 'overspeed', 'movement', 'low_battery', 'low_battery']);
    expect(['panic', 'sos', 'vibration', 'overspeed', 'powerCut'].map(alarmKind)).toEqual(['sos', 'sos', 'vibration', 'overspeed', 'power_cut']);
  });

  it("reads Traccar's names in any case or spelling an OsmAnd client sends", () => {
    expect(['SOS', 'lowPower', 'low_power', 'geofence-exit', 'gpsAntennaCut', 'powerOff'].map(alarmKind)).toEqual(['sos', 'low_power', 'low_power', 'geofence_exit', 'tampering', 'power_cut']);
  });

  it('calls an unknown name other', () => {
    expect(['unknown:0x13', 'door', ''].map(alarmKind)).toEqual(['other', 'other', 'other']);
  });
});

describe('deviceAlarmName', () => {
  it('keeps a name as sent, without control characters or half surrogate pairs, at most 64 characters', () => {
    expect(deviceAlarmName('powerCut')).toBe('powerCut');
    expect(deviceAlarmName(' so\u0000s\n')).toBe('sos');
    expect(deviceAlarmName('a\ud800b')).toBe('ab');
    expect(deviceAlarmName('x'.repeat(100))).toHaveLength(64);
  });
});
