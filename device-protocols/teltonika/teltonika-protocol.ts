/** Codec ids (Teltonika wiki "Codec", codec ID table). */
export const CODEC = {
  codec8: 0x08,
  codec8Extended: 0x8e,
  codec12: 0x0c,
} as const;

/** Codec 12 message types: 0x05 command (server → device), 0x06 response (device → server). */
export const CODEC12_COMMAND = 0x05;
export const CODEC12_RESPONSE = 0x06;

/** The wiki caps an AVL packet at 1280 bytes for FMB devices; we allow room for Codec 8E NX elements. */
export const TELTONIKA_MAX_PACKET = 16 * 1024;
