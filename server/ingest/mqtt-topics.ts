/**
 * What a publish topic means, per SPEC §5. `unread`: under the device's own id, but nothing Ronda
 * stores: the OwnTracks app's subtopics (`/event` for region transitions, `/info`, `/waypoints`,
 * `/status`…), which it publishes at QoS 1 and resends until acknowledged, so refusing them (which
 * closes the connection) would knock the phone off in a loop.
 */
export type DeviceTopic =
  | { kind: 'ronda'; uniqueId: string; channel: 'position' | 'checkin' | 'payment' }
  | { kind: 'owntracks'; uniqueId: string }
  | { kind: 'unread'; uniqueId: string };

const RONDA_CHANNELS = new Set(['position', 'checkin', 'payment']);

export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const parts = topic.split('/');
  if (parts.length === 3 && parts[0] === 'ronda' && RONDA_CHANNELS.has(parts[2]) && parts[1] !== '') {
    return { kind: 'ronda', uniqueId: parts[1], channel: parts[2] as 'position' | 'checkin' | 'payment' };
  }
  // owntracks/{user}/{device}: the app's device name is the Ronda uniqueId.
  if (parts.length === 3 && parts[0] === 'owntracks' && parts[2] !== '') return { kind: 'owntracks', uniqueId: parts[2] };
  if (parts.length > 3 && parts[0] === 'owntracks' && parts[2] !== '') return { kind: 'unread', uniqueId: parts[2] };
  return null;
}

export const planTopic = (uniqueId: string): string => `ronda/${uniqueId}/plan`;
