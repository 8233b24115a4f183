import type { DeviceMessage, Protocol } from './messages.ts';

/**
 * The shape every codec shares (STYLE rule 2): a framer cuts a byte stream
 * into whole frames, a pure decoder turns one frame into messages plus the
 * reply bytes the device expects. The listener owns the socket and writes
 * `reply` only after the data is committed (SPEC §2).
 */

export const PROTOCOL_ERROR_CODES = [
  'checksum',
  'length',
  'malformed',
  'unsupported',
  'notLoggedIn',
  'garbage',
  'overflow',
] as const;
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

export interface ProtocolError {
  protocol: Protocol;
  code: ProtocolErrorCode;
  detail: string;
  /** The stream can no longer be trusted: the listener closes the connection (SPEC §5). */
  fatal: boolean;
}

export interface Decoded<S> {
  ok: true;
  messages: DeviceMessage[];
  reply?: Uint8Array;
  state: S;
}

export interface DecodeFailure<S> {
  ok: false;
  error: ProtocolError;
  state: S;
}

export type DecodeResult<S> = Decoded<S> | DecodeFailure<S>;

export function protocolError<S>(
  protocol: Protocol,
  state: S,
  code: ProtocolErrorCode,
  detail: string,
  fatal = false,
): DecodeFailure<S> {
  return { ok: false, error: { protocol, code, detail, fatal }, state };
}

export interface FramerOutput {
  frames: Uint8Array[];
  errors: ProtocolError[];
}

export interface Framer {
  /** Frames are views into `chunk` or into the framer's own copy; the caller must not mutate `chunk` afterwards. */
  push(chunk: Uint8Array): FramerOutput;
  readonly bufferedBytes: number;
}
