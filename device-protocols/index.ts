/** Public surface of the codecs: what listeners (server/ingest) and simulators import. */
export * from './messages.ts';
export * from './codec.ts';
export { bytesToAscii, bytesToHex, hexToBytes } from './shared/bytes.ts';

export { createGt06Framer, GT06_MAX_FRAME } from './gt06/gt06-framer.ts';
export { decodeGt06, initialGt06State, type Gt06State } from './gt06/gt06-decoder.ts';
export * from './gt06/gt06-encoder.ts';
export { GT06_PROTOCOL, GT06_ALARMS } from './gt06/gt06-protocol.ts';

export { createTeltonikaFramer } from './teltonika/teltonika-framer.ts';
export { decodeTeltonikaTcp, decodeTeltonikaUdp, initialTeltonikaState, type TeltonikaState } from './teltonika/teltonika-decoder.ts';
export * from './teltonika/teltonika-encoder.ts';
export { CODEC as TELTONIKA_CODEC } from './teltonika/teltonika-protocol.ts';

export { createH02Framer, H02_MAX_FRAME } from './h02/h02-framer.ts';
export { decodeH02, initialH02State, type H02State } from './h02/h02-decoder.ts';
export * from './h02/h02-encoder.ts';
export { H02_BINARY } from './h02/h02-binary.ts';

export { decodeOsmAnd, parseTimestamp, type OsmAndRequest, type OsmAndResult } from './osmand/osmand-decoder.ts';
export * from './osmand/osmand-encoder.ts';
