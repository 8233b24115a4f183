/**
 * Constants of the Concox GT06 protocol ("GT06N GPS Tracker Communication
 * Protocol" v1.8.1 and the JM-VW01/GT06E "Simplified Communication Protocol"
 * v1.1.7). Frames: start 0x7878 + 1-byte length, or 0x7979 + 2-byte length;
 * protocol number, content, 2-byte serial, CRC-ITU over length..serial, stop 0x0D0A.
 */
export const GT06_PROTOCOL = {
  login: 0x01,
  gps: 0x10,
  gpsLbs: 0x12,
  status: 0x13,
  stringInfo: 0x15,
  alarm: 0x16,
  stringInfoLong: 0x21,
  gpsLbs2: 0x22,
  alarm2: 0x26,
  command: 0x80,
} as const;

/** Alarm byte of the status information (GT06N v1.8.1 §5.3.1.14; 0x06+ from the GT06E protocol). */
export const GT06_ALARMS: Readonly<Record<number, string>> = {
  0x01: 'sos',
  0x02: 'powerCut',
  0x03: 'vibration',
  0x04: 'geofenceEnter',
  0x05: 'geofenceExit',
  0x06: 'overspeed',
  0x09: 'movement',
  0x0e: 'lowBattery',
  0x0f: 'lowBattery',
};

/** Course/status word (GT06N §5.2.1.9): bit 12 GPS fixed, bit 10 north latitude, bit 11 west longitude, bits 0–9 course. */
export const COURSE_MASK = 0x03ff;
export const FLAG_NORTH = 0x0400;
export const FLAG_WEST = 0x0800;
export const FLAG_FIXED = 0x1000;
/** Bit 13: "GPS real-time / differential positioning" — set when the fix is differential. */
export const FLAG_DIFFERENTIAL = 0x2000;

/** Latitude and longitude are sent as degrees × 60 × 30000 (GT06N §5.2.1.7). */
export const COORDINATE_SCALE = 1_800_000;

/** Voltage level 0–6 (GT06N §5.3.1.12) as a battery percentage. */
export function voltageLevelToPct(level: number): number {
  return Math.round((Math.min(level, 6) * 100) / 6);
}
