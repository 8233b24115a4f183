/**
 * CRC-16 variants used by tracker protocols, table-driven (one lookup per
 * byte) because they run on every frame. Parameters from the "Catalogue of
 * parametrised CRC algorithms" (reveng): both are reflected, so the tables
 * use the reversed polynomial.
 */

function reflectedTable(poly: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    table[n] = c;
  }
  return table;
}

const X25_TABLE = reflectedTable(0x8408);
const IBM_TABLE = reflectedTable(0xa001);

/** CRC-16/X-25 (a.k.a. CRC-ITU in the Concox GT06 documents): poly 0x1021 reflected, init 0xFFFF, xorout 0xFFFF. Check "123456789" = 0x906E. */
export function crc16X25(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ X25_TABLE[(crc ^ bytes[i]) & 0xff];
  return ~crc & 0xffff;
}

/** CRC-16/IBM (CRC-16/ARC), which Teltonika's Codec wiki names for AVL packets: poly 0x8005 reflected, init 0. Check "123456789" = 0xBB3D. */
export function crc16Ibm(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ IBM_TABLE[(crc ^ bytes[i]) & 0xff];
  return crc;
}
