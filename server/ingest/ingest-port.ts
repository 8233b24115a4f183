import type { Position, Protocol } from '../../device-protocols/messages.ts';

/** A registered device, as a listener knows it once the device has identified itself. */
export interface DeviceRef {
  deviceId: number;
  uniqueId: string;
  collectorId: number | null;
}

/** An alarm a device raised, with the fix its frame carried (if any) and what ingest made of that fix. */
export interface AlarmReport {
  /** The device's own name for it (`sos`, `powerCut`, `panic`, OsmAnd's `alarm=`). */
  alarm: string;
  fix?: Position;
  /** The device's time for an alarm that came without a usable fix to date it (an MQTT item refused as malformed). */
  sentAt?: Date;
  /** The fix was accepted (or was a resend of an accepted one) and had GPS lock: it says where the alarm happened. */
  fixUsable: boolean;
}

export interface RejectedPosition {
  index: number;
  reason: string;
}

export interface SubmitResult {
  /** Positions now committed (or already stored: a resend is not an error). */
  stored: number;
  /** Positions refused by validation or filters; never retried by the device. */
  rejected: RejectedPosition[];
}

/**
 * What a device listener needs from ingest. Every listener (MQTT, GT06,
 * Teltonika, H02, OsmAnd) speaks to ingest only through this, so it can ACK
 * a device exactly when its data is durable (SPEC §2).
 */
export interface IngestPort {
  /** null = unknown id: refuse the device. The sighting is recorded for admins. */
  identify(uniqueId: string, protocol: Protocol, remoteAddress: string): Promise<DeviceRef | null>;
  /**
   * Resolves only after every accepted position is committed. While the
   * database is slow or down the promise stays pending (backpressure): the
   * listener must not ACK until it resolves. Rejects if the commit failed.
   */
  submitPositions(device: DeviceRef, protocol: Protocol, positions: Position[]): Promise<SubmitResult>;
  /**
   * Stores each alarm as an event, whether or not its fix was stored (call after submitPositions,
   * so that fixUsable is known); resolves once they are committed, rejects if they are not.
   */
  submitAlarms(device: DeviceRef, protocol: Protocol, alarms: AlarmReport[]): Promise<void>;
  /** Counts and logs the items of a batch the decoder could not read, each with its reason; the rest of the batch is submitted. */
  noteRejected(device: DeviceRef, protocol: Protocol, rejected: RejectedPosition[]): void;
}
