import { createServer, type Server } from 'node:net';
import type { Logger } from 'pino';
import type { IngestPort } from '../ingest-port.ts';
import { ListenerCounters } from './listener-counters.ts';
import { TcpConnection, type TcpConnectionOptions, type TcpProtocolSpec } from './tcp-connection.ts';

export interface TcpListener {
  server: Server;
  counters: ListenerCounters;
  connections(): number;
  /** Stops accepting and drops every connection; frames not yet committed get no ACK. */
  close(): Promise<void>;
}

/** A TCP server speaking one tracker protocol; bind it with `listenTcp` so a taken port names its variable. */
export function createTcpListener<S>(spec: TcpProtocolSpec<S>, ingest: IngestPort, log: Logger, opts: TcpConnectionOptions): TcpListener {
  const counters = new ListenerCounters();
  const live = new Set<TcpConnection<S>>();
  const server = createServer((socket) => {
    const conn = new TcpConnection(socket, spec, ingest, counters, log.child({ remote: socket.remoteAddress }), opts);
    live.add(conn);
    socket.once('close', () => live.delete(conn));
  });
  return {
    server,
    counters,
    connections: () => live.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const conn of live) conn.destroy();
      }),
  };
}
