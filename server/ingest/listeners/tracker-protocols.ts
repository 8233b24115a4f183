import {
  createGt06Framer,
  createH02Framer,
  createTeltonikaFramer,
  decodeGt06,
  decodeH02,
  decodeTeltonikaTcp,
  encodeTeltonikaImeiReply,
  initialGt06State,
  initialH02State,
  initialTeltonikaState,
  type Gt06State,
  type H02State,
  type TeltonikaState,
} from '../../../device-protocols/index.ts';
import type { TcpProtocolSpec } from './tcp-connection.ts';

/**
 * GT06: a CRC error spoils one frame, not the stream (the framer found its
 * boundaries from the length and stop bytes), so the connection goes on with
 * the next frame. Location packets are acknowledged too: some firmwares
 * resend until they are, and our ACK is the device's only proof of storage;
 * firmwares that expect none ignore it.
 */
export const gt06Spec: TcpProtocolSpec<Gt06State> = {
  protocol: 'gt06',
  createFramer: () => createGt06Framer(),
  initialState: () => initialGt06State({ ackPositions: true }),
  decode: decodeGt06,
  closeOnBadFrame: false,
};

/**
 * Teltonika TCP (wiki "Codec"): an unknown IMEI gets 0x00; the record count
 * is the ACK the device deletes its buffer by, written only once the
 * packet's rows are committed; a failed commit closes the connection
 * unanswered, so the device resends the whole packet. The count does cover
 * records ingest refused on purpose (no fix, future time…; logged and
 * counted): they will never be stored, and a count short of the packet's
 * makes the device resend it for ever.
 */
export const teltonikaSpec: TcpProtocolSpec<TeltonikaState> = {
  protocol: 'teltonika',
  createFramer: () => createTeltonikaFramer(),
  initialState: initialTeltonikaState,
  decode: decodeTeltonikaTcp,
  refusal: encodeTeltonikaImeiReply(false),
  closeOnBadFrame: true,
};

/** H02 text frames resynchronise on the next '*'; the device expects no ACK for positions. */
export const h02Spec: TcpProtocolSpec<H02State> = {
  protocol: 'h02',
  createFramer: () => createH02Framer(),
  initialState: initialH02State,
  decode: decodeH02,
  closeOnBadFrame: false,
};
