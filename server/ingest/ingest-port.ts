import type { Position, Protocol } from '../../device-protocols/messages.ts';

/** A registered device, as a listener knows it once the device has identified itself. */
export interface DeviceRef {
  deviceId: number;
  uniqueId: string;
  collectorId: number | null;
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
}
