import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { decodeOsmAnd } from '../../../device-protocols/index.ts';
import type { IngestPort } from '../ingest-port.ts';
import { DeviceSession } from './device-session.ts';
import { ListenerCounters } from './listener-counters.ts';

/** A Traccar Client request is a few hundred bytes; a batch of buffered JSON locations stays well under this. */
const MAX_BODY_BYTES = 256 * 1024;

export interface OsmAndListener {
  server: Server;
  counters: ListenerCounters;
  connections(): number;
  close(): Promise<void>;
}

/**
 * The OsmAnd endpoint as Traccar serves it (Traccar "OsmAnd protocol"): GET
 * with query parameters, POST with a form or the Traccar Client JSON, any
 * path. 200 only once the positions are committed; the app keeps and resends
 * anything answered otherwise, before anything newer, so refusals use codes it
 * will retry (404 unknown id — an admin may register it — 503 commit failed)
 * and 400 only for a request that names no device. A registered device's fix
 * that cannot be read (no coordinates, no timestamp) is counted, logged and
 * answered 200 with why: resending it cannot help, and it would hold back
 * every fix after it.
 */
export function createOsmAndListener(ingest: IngestPort, log: Logger): OsmAndListener {
  const counters = new ListenerCounters();
  const sockets = new Set<Socket>();
  const respond = (res: ServerResponse, status: number, text: string) => {
    counters.bytesOut += answer(res, status, text);
  };

  const server = createServer((req, res) => {
    counters.frames++;
    if (req.method !== 'GET' && req.method !== 'POST') {
      counters.errors++;
      res.setHeader('allow', 'GET, POST');
      return respond(res, 405, `method ${req.method} not allowed`);
    }
    readBody(req)
      .then((body) => handle(req, res, body))
      .catch((err: Error) => {
        counters.errors++;
        respond(res, 413, err.message);
        req.destroy();
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const url = req.url ?? '/';
    counters.bytesIn += url.length + body.length;
    const q = url.indexOf('?');
    const decoded = decodeOsmAnd({
      method: req.method ?? 'GET',
      query: q >= 0 ? url.slice(q + 1) : '',
      body,
      contentType: req.headers['content-type'],
      receivedAt: new Date(),
    });
    if (!decoded.ok) {
      counters.errors++;
      log.warn({ remote: req.socket.remoteAddress, code: decoded.error.code, detail: decoded.error.detail }, 'protocol error');
      return respond(res, 400, decoded.error.detail);
    }
    const session = new DeviceSession(ingest, 'osmand', req.socket.remoteAddress ?? 'unknown', log);
    try {
      const outcome = await session.handle(decoded.messages);
      if (outcome.kind === 'refused') {
        counters.refused++;
        return respond(res, 404, `unknown device id ${outcome.uniqueId}`);
      }
      if (outcome.kind === 'notLoggedIn') {
        counters.errors++;
        return respond(res, 400, 'missing id');
      }
      counters.acks++;
      if (!decoded.rejected || !session.device) return respond(res, 200, '');
      ingest.noteRejected(session.device, 'osmand', decoded.rejected);
      const notStored = `not stored: ${decoded.rejected.map((r) => r.reason).join('; ')}`;
      respond(res, 200, outcome.stored > 0 ? `stored ${outcome.stored}; ${notStored}` : notStored);
    } catch (err) {
      counters.commitFailures++;
      log.error({ uniqueId: session.device?.uniqueId, err: (err as Error).message }, 'positions not committed');
      respond(res, 503, 'not stored, retry later');
    }
  }

  return {
    server,
    counters,
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Writes the plain-text answer; returns its body size, 0 when the response is already gone. */
function answer(res: ServerResponse, status: number, text: string): number {
  if (res.headersSent || res.destroyed) return 0;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return Buffer.byteLength(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`body over ${MAX_BODY_BYTES} bytes`));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
