import type { AlarmDetails, AlarmKind, EventOut } from '$contract/event.ts';
import type { MessageKey } from '../i18n.svelte.ts';

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** A Record over AlarmKind, so a new kind cannot reach the wall without its words. */
const ALARM_LABEL: Record<AlarmKind, MessageKey> = {
  sos: 'wall.alarm.sos',
  power_cut: 'wall.alarm.power_cut',
  tampering: 'wall.alarm.tampering',
  low_power: 'wall.alarm.low_power',
  overspeed: 'wall.alarm.overspeed',
  low_battery: 'wall.alarm.low_battery',
  vibration: 'wall.alarm.vibration',
  movement: 'wall.alarm.movement',
  geofence_enter: 'wall.alarm.geofence_enter',
  geofence_exit: 'wall.alarm.geofence_exit',
  other: 'wall.alarm.other',
};

const alarmOf = (e: Pick<EventOut, 'type' | 'details'>): Partial<AlarmDetails> | null => (e.type === 'alarm' ? (e.details as Partial<AlarmDetails>) : null);

/** What the feed calls an event: a device alarm by its kind (SOS first of all), a deviation by its type. */
export function eventLabel(e: Pick<EventOut, 'type' | 'details'>, t: Translate): string {
  const alarm = alarmOf(e);
  if (!alarm) return t(`wall.event.${e.type}` as MessageKey);
  const key = typeof alarm.kind === 'string' && Object.hasOwn(ALARM_LABEL, alarm.kind) ? ALARM_LABEL[alarm.kind] : null;
  if (!key) return t('wall.event.alarm');
  return t(key, { name: alarm.deviceAlarm ?? '' });
}

/** Where an alarm is shown when the device's own fix could not say: null when it could (or for a deviation). */
export function alarmWhereNote(e: Pick<EventOut, 'type' | 'details'>, t: Translate): string | null {
  const alarm = alarmOf(e);
  if (!alarm || alarm.position === 'fix') return null;
  return t(alarm.position === 'last_known' ? 'events.alarmLastKnown' : 'events.alarmNoPosition');
}
