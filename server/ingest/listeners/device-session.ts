import type { Logger } from 'pino';
import type { DeviceMessage, Position, Protocol } from '../../../device-protocols/index.ts';
import { alarmReports, type FramedAlarm } from '../alarm-reports.ts';
import type { DeviceRef, IngestPort } from '../ingest-port.ts';

/** What became of one decoded frame's messages. */
export type SessionOutcome =
  /** Everything the frame carried is handled (positions committed): the device may be acknowledged. */
  | { kind: 'handled'; stored: number }
  /** The frame names an id that is not registered (SPEC §5): refuse, write nothing. */
  | { kind: 'refused'; uniqueId: string }
  /** Data before any login/IMEI: the stream cannot be attributed to a device. */
  | { kind: 'notLoggedIn' };

/**
 * Binds one connection (or one UDP peer, or one HTTP request) to its device
 * and turns decoded messages into ingest calls. Protocol-independent: GT06
 * and Teltonika name the device once (login, handshake), H02, Teltonika UDP
 * and OsmAnd in every message; both end up here.
 */
export class DeviceSession {
  device: DeviceRef | null = null;

  constructor(
    private readonly ingest: IngestPort,
    readonly protocol: Protocol,
    readonly remoteAddress: string,
    private readonly log: Logger,
  ) {}

  /**
   * Resolves once every position and alarm in `messages` is committed; rejects if the commit
   * failed — the caller must then not acknowledge the frame.
   */
  async handle(messages: DeviceMessage[]): Promise<SessionOutcome> {
    const positions: Position[] = [];
    /** Each alarm with the index of its fix in `positions`, if it carried one. */
    const alarms: FramedAlarm[] = [];
    for (const m of messages) {
      const named = m.uniqueId;
      if (named !== undefined && named !== this.device?.uniqueId) {
        this.device = await this.ingest.identify(named, this.protocol, this.remoteAddress);
        if (!this.device) return { kind: 'refused', uniqueId: named };
      }
      switch (m.kind) {
        case 'position':
          positions.push(m);
          break;
        case 'alarm':
          // Its fix is stored as a position too, named in attributes.alarm; the alarm becomes an event either way.
          alarms.push({
            alarm: m.alarm,
            fixIndex: m.position ? positions.push({ ...m.position, attributes: { ...m.position.attributes, ...m.attributes, alarm: m.alarm } }) - 1 : null,
          });
          break;
        case 'commandAck':
          this.log.info({ uniqueId: this.device?.uniqueId, text: m.text }, 'device answered a command');
          break;
        case 'heartbeat':
        case 'login':
          // Answered by the frame's reply; nothing is stored for them yet (issue 3).
          break;
      }
    }
    // A connection outlives changes to its device (disabled, handed to another collector): each frame is
    // taken for what the device is now. Registry-cached, so no database round trip per frame.
    if (this.device) {
      const uniqueId = this.device.uniqueId;
      this.device = await this.ingest.identify(uniqueId, this.protocol, this.remoteAddress);
      if (!this.device) return { kind: 'refused', uniqueId };
    }
    if (positions.length === 0 && alarms.length === 0) return { kind: 'handled', stored: 0 };
    if (!this.device) return { kind: 'notLoggedIn' };
    const result = positions.length > 0 ? await this.ingest.submitPositions(this.device, this.protocol, positions) : { stored: 0, rejected: [] };
    if (alarms.length > 0) await this.ingest.submitAlarms(this.device, this.protocol, alarmReports(alarms, positions, result.rejected));
    return { kind: 'handled', stored: result.stored };
  }
}
