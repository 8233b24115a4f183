import { decodeOwnTracks } from '../../device-protocols/owntracks/owntracks-payload.ts';
import { decodePositionPayload } from '../../device-protocols/ronda-json/position-payload.ts';
import type { Position } from '../../device-protocols/messages.ts';
import type { DeviceRef, RejectedPosition } from './ingest-port.ts';
import { alarmKind } from './alarm-kind.ts';
import { alarmReports, type FramedAlarm } from './alarm-reports.ts';
import type { IngestService } from './ingest-service.ts';
import type { DeviceTopic } from './mqtt-topics.ts';

/** Handles `ronda/{id}/checkin` and `ronda/{id}/payment`; resolves once the record is committed. */
export type RecordHandler = (device: DeviceRef, payload: Buffer) => Promise<void>;
export type RecordHandlers = Partial<Record<'checkin' | 'payment', RecordHandler>>;

/** Stores one device publish; resolves once it is committed, so the caller may then acknowledge it. */
export type PublishHandler = (device: DeviceRef, topic: DeviceTopic, payload: Buffer) => Promise<void>;

/**
 * What a device's MQTT publish means for ingest (SPEC §5), whichever broker
 * delivered it: the embedded one or an external one (SPEC §8). The promise
 * settles only after the rows are committed; a rejection means "not stored,
 * do not acknowledge".
 */
export function createPublishHandler(ingest: IngestService, records: RecordHandlers = {}): PublishHandler {
  return async function handlePublish(dev, topic, payload) {
    if (topic.kind === 'unread') return;
    // Under overload, wait before decoding: a held message costs its bytes, a decoded one much more.
    if (topic.kind === 'owntracks' || topic.channel === 'position') {
      const admitted = ingest.admission();
      if (admitted) await admitted;
    }
    if (topic.kind === 'owntracks') {
      const r = decodeOwnTracks(payload);
      if (r.kind === 'position') await ingest.submitPositions(dev, 'owntracks', [r.position]);
      else if (r.kind === 'error') ingest.noteRejected(dev, 'owntracks', [{ index: 0, reason: r.reason }]);
      return;
    }
    if (topic.channel === 'position') {
      const positions: Position[] = [];
      const rejected: RejectedPosition[] = [];
      // A phone raises an alarm (its panic button) as Traccar's attributes do: `attrs.alarm` on the fix. In payload order.
      const alarms: FramedAlarm[] = [];
      for (const it of decodePositionPayload(payload)) {
        if (it.ok) {
          const alarm = it.position.attributes.alarm;
          if (typeof alarm === 'string' && alarm.trim() !== '') alarms.push({ alarm, fixIndex: positions.length });
          positions.push(it.position);
        } else {
          rejected.push({ index: it.index, reason: it.reason });
          // The SOS of a phone that sent a broken fix is still an SOS; a name this server does not know, on an
          // item it could not read, is not evidence enough of one.
          if (it.alarm && alarmKind(it.alarm.name) !== 'other') alarms.push({ alarm: it.alarm.name, fixIndex: null, sentAt: it.alarm.at });
        }
      }
      // A malformed item is refused with its reason; the rest of the batch is still stored.
      if (rejected.length > 0) ingest.noteRejected(dev, 'mqtt', rejected);
      const result = positions.length > 0 ? await ingest.submitPositions(dev, 'mqtt', positions) : { rejected: [] };
      if (alarms.length > 0) await ingest.submitAlarms(dev, 'mqtt', alarmReports(alarms, positions, result.rejected));
      return;
    }
    const handler = records[topic.channel];
    if (!handler) throw new Error(`${topic.channel} is not handled by this server`);
    await handler(dev, payload);
  };
}
