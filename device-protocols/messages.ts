/**
 * What a device says, whatever protocol it speaks (STYLE rule 3). Codecs
 * produce these; ingest consumes them. Units are in the field names.
 */
export const PROTOCOLS = ['mqtt', 'owntracks', 'gt06', 'teltonika', 'h02', 'osmand'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export type Attributes = Record<string, number | string | boolean>;

export interface Login {
  kind: 'login';
  uniqueId: string;
}

export interface Position {
  kind: 'position';
  /** Set by protocols whose every frame names the device (H02, OsmAnd); absent when the connection's login does. */
  uniqueId?: string;
  fixTime: Date;
  lat: number;
  lon: number;
  valid: boolean;
  speedKph?: number;
  courseDeg?: number;
  altitudeM?: number;
  accuracyM?: number;
  satellites?: number;
  batteryPct?: number;
  /** Re-uploaded from the device's buffer rather than live. */
  buffered?: boolean;
  attributes: Attributes;
}

export interface Heartbeat {
  kind: 'heartbeat';
  uniqueId?: string;
  batteryPct?: number;
  attributes: Attributes;
}

export interface Alarm {
  kind: 'alarm';
  uniqueId?: string;
  alarm: string;
  position?: Position;
  attributes: Attributes;
}

export interface CommandAck {
  kind: 'commandAck';
  uniqueId?: string;
  text: string;
}

export type DeviceMessage = Login | Position | Heartbeat | Alarm | CommandAck;
