import type { ListenerStatus } from '../../api/health.routes.ts';

/** What /api/health shows per listener, so an operator sees traffic, refusals and bad frames per protocol. */
export class ListenerCounters {
  frames = 0;
  errors = 0;
  bytesIn = 0;
  /** Replies written to devices: ACKs, handshake answers, refusals. */
  bytesOut = 0;
  acks = 0;
  refused = 0;
  idleClosed = 0;
  /** Connections closed after too many protocol errors without one decoded frame (tcp-connection.ts). */
  unidentifiedClosed = 0;
  commitFailures = 0;

  toJSON(): Record<string, number> {
    return {
      frames: this.frames,
      errors: this.errors,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      acks: this.acks,
      refused: this.refused,
      idleClosed: this.idleClosed,
      unidentifiedClosed: this.unidentifiedClosed,
      commitFailures: this.commitFailures,
    };
  }
}

/**
 * A health entry whose `connections` and `counters` are read when /api/health
 * serializes it, so the listeners array in server.ts stays live without polling.
 */
export function liveStatus(
  name: string,
  transport: ListenerStatus['transport'],
  port: number,
  counters: ListenerCounters,
  connections: () => number,
): ListenerStatus {
  return {
    name,
    transport,
    port,
    get connections() {
      return connections();
    },
    get counters() {
      return counters.toJSON();
    },
  };
}
