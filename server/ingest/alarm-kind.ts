import type { AlarmKind } from '../contract/event.ts';

/**
 * Device alarm names, as the codecs give them (GT06_ALARMS, H02 status bits, Teltonika's panic
 * priority) and as Traccar names them (Position.ALARM_*, which OsmAnd clients send in `alarm=`),
 * compared without case, spaces or punctuation.
 */
const KIND_OF: Readonly<Record<string, AlarmKind>> = {
  sos: 'sos',
  panic: 'sos',
  powercut: 'power_cut',
  poweroff: 'power_cut',
  tampering: 'tampering',
  removing: 'tampering',
  gpsantennacut: 'tampering',
  lowpower: 'low_power',
  overspeed: 'overspeed',
  lowbattery: 'low_battery',
  vibration: 'vibration',
  movement: 'movement',
  geofenceenter: 'geofence_enter',
  geofenceexit: 'geofence_exit',
};

/** What an alarm means; `other` for a name this server does not know (kept as sent in the event's details). */
export function alarmKind(deviceAlarm: string): AlarmKind {
  return KIND_OF[deviceAlarm.toLowerCase().replace(/[^a-z]/g, '')] ?? 'other';
}

/** Free text from a device (OsmAnd's `alarm=`): control characters out, as long as a name needs to be. */
export function deviceAlarmName(deviceAlarm: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = deviceAlarm.replace(/[\u0000-\u001f\u007f]/g, '').replace(/\p{Cs}/gu, '').trim();
  return clean.length > 64 ? clean.slice(0, 64) : clean;
}
