import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Logger } from 'pino';
import { decodeTeltonikaUdp, initialTeltonikaState, type TeltonikaState } from '../../../device-protocols/index.ts';
import type { IngestPort } from '../ingest-port.ts';
import { DeviceSession } from './device-session.ts';
import { ListenerCounters } from './listener-counters.ts';
import { ProtocolErrorLog } from './protocol-error-log.ts';

interface Peer {
  session: DeviceSession;
  errors: ProtocolErrorLog;
  state: TeltonikaState;
  chain: Promise<void>;
  pending: number;
  lastSeenMs: number;
}

export interface TeltonikaUdpListener {
  socket: Socket;
  counters: ListenerCounters;
  /** Peers heard from within the idle timeout: UDP has no connections, this is its closest equivalent. */
  peers(): number;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

export interface UdpOptions {
  idleTimeoutMs: number;
  /** Datagrams of one peer waiting for their commit; more are dropped unanswered (the device resends what is not acknowledged). */
  maxPendingFrames: number;
}

/**
 * Teltonika over UDP (wiki "Codec", UDP channel): every datagram names its
 * IMEI and is answered with its packet ids and record count — after the
 * commit, in arrival order per peer address, like a TCP connection.
 */
export function createTeltonikaUdpListener(ingest: IngestPort, log: Logger, opts: UdpOptions): TeltonikaUdpListener {
  const counters = new ListenerCounters();
  const peers = new Map<string, Peer>();
  const socket = createSocket('udp4');
  let closed = false;

  socket.on('error', (err) => log.error({ err: err.message }, 'udp socket error'));
  socket.on('message', (datagram, remote) => {
    counters.bytesIn += datagram.length;
    counters.frames++;
    const key = `${remote.address}:${remote.port}`;
    let peer = peers.get(key);
    if (!peer) {
      peer = {
        session: new DeviceSession(ingest, 'teltonika', remote.address, log),
        errors: new ProtocolErrorLog(log.child({ remote: key })),
        state: initialTeltonikaState(),
        chain: Promise.resolve(),
        pending: 0,
        lastSeenMs: 0,
      };
      peers.set(key, peer);
    }
    peer.lastSeenMs = Date.now();
    const result = decodeTeltonikaUdp(datagram, peer.state);
    peer.state = result.state;
    if (!result.ok) {
      counters.errors++;
      peer.errors.note(result.error, { uniqueId: peer.session.device?.uniqueId });
      return;
    }
    if (peer.pending >= opts.maxPendingFrames) {
      counters.errors++;
      log.warn({ remote: key, pending: peer.pending }, 'datagram dropped: too many awaiting commit');
      return;
    }
    const p = peer;
    p.pending++;
    p.chain = p.chain.then(async () => {
      try {
        const outcome = await p.session.handle(result.messages);
        if (outcome.kind !== 'handled') {
          counters.refused++;
          return;
        }
        if (result.reply && !closed) {
          send(result.reply, remote);
          counters.acks++;
          counters.bytesOut += result.reply.length;
        }
      } catch (err) {
        counters.commitFailures++;
        log.error({ uniqueId: p.session.device?.uniqueId, err: (err as Error).message }, 'positions not committed; no ACK');
      } finally {
        p.pending--;
      }
    });
  });

  function send(reply: Uint8Array, remote: RemoteInfo): void {
    socket.send(reply, remote.port, remote.address, (err) => {
      if (err) log.debug({ err: err.message }, 'udp ACK not sent');
    });
  }

  const sweep = setInterval(() => {
    const cutoff = Date.now() - opts.idleTimeoutMs;
    for (const [key, peer] of peers) {
      if (peer.pending > 0 || peer.lastSeenMs >= cutoff) continue;
      peer.errors.summarise({ uniqueId: peer.session.device?.uniqueId });
      peers.delete(key);
    }
  }, Math.min(opts.idleTimeoutMs, 60_000));
  sweep.unref();

  return {
    socket,
    counters,
    peers: () => peers.size,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        const onError = (err: NodeJS.ErrnoException) =>
          reject(new Error(err.code === 'EADDRINUSE' ? `TELTONIKA_PORT=${port}: UDP port already in use; set TELTONIKA_PORT to a free port (0 = any)` : `TELTONIKA_PORT=${port}: ${err.message}`));
        socket.once('error', onError);
        socket.bind(port, host, () => {
          socket.off('error', onError);
          resolve(socket.address().port);
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        clearInterval(sweep);
        peers.clear();
        try {
          socket.close(() => resolve());
        } catch {
          resolve(); // never bound
        }
      }),
  };
}
