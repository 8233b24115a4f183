import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { DecodeResult, DeviceMessage, Framer, ProtocolError, Protocol } from '../../../device-protocols/index.ts';
import type { IngestPort } from '../ingest-port.ts';
import { DeviceSession } from './device-session.ts';
import { ProtocolErrorLog } from './protocol-error-log.ts';
import type { ListenerCounters } from './listener-counters.ts';

const CLOSE_GRACE_MS = 5000;

/**
 * Protocol errors a connection may make before any frame of it decodes:
 * past this it is closed (counted as `unidentifiedClosed`). A tracker's
 * first frame names it (GT06 login, Teltonika handshake, every H02 frame),
 * so such a peer is a scanner or a device pointed at the wrong port, and
 * keeping it open costs CPU for nothing. Connections that have decoded a
 * frame are not closed for errors (GT06, H02: a noisy line spoils frames,
 * not the stream), only their logging is bounded.
 */
const MAX_ERRORS_BEFORE_A_FRAME = 10;

/** One stream protocol as a TCP listener needs it: the pure codec pieces plus the listener's policy. */
export interface TcpProtocolSpec<S> {
  protocol: Protocol;
  createFramer(): Framer;
  initialState(): S;
  decode(frame: Uint8Array, state: S): DecodeResult<S>;
  /** Written before closing on an unknown id (Teltonika's 0x00 handshake answer); absent = close without a word (GT06: no login ACK). */
  refusal?: Uint8Array;
  /**
   * Close on any bad frame, not only fatal ones: a Teltonika device waits for
   * the record count of the packet it sent, so after a packet we could not
   * read the stream stalls; closing makes it reconnect and resend.
   */
  closeOnBadFrame: boolean;
}

export interface TcpConnectionOptions {
  idleTimeoutMs: number;
  /** Frames decoded but not yet answered; past this the socket stops reading (backpressure towards the device). */
  maxPendingFrames: number;
}

/** Frames committed together at most: a device emptying its buffer waits one batch, not one per frame. */
const MAX_FRAMES_PER_COMMIT = 200;

interface QueuedFrame {
  messages: DeviceMessage[];
  reply: Uint8Array | undefined;
}

/** The id a frame names itself (login, handshake, every H02 frame), if any. */
const namedId = (f: QueuedFrame) => f.messages.find((m) => m.uniqueId !== undefined)?.uniqueId;

/**
 * One device connection: framer → decoder in arrival order, then a
 * per-connection promise chain that commits the frames waiting at its head
 * together and only then writes their replies, so ACKs go out in order and
 * never before the data is durable (SPEC §2). Frames received before the
 * device hangs up are still committed (an H02 has no ACK to resend on).
 */
export class TcpConnection<S> {
  private readonly framer: Framer;
  private state: S;
  private readonly session: DeviceSession;
  private chain: Promise<void> = Promise.resolve();
  private readonly queue: QueuedFrame[] = [];
  private pending = 0;
  /** No more frames are read; queued frames before the cause still get their ACKs. */
  private draining = false;
  /** Nothing more can be written to the socket. */
  private closed = false;
  /** We ended the connection (failed, shut down): frames still queued are not committed. */
  private stopped = false;
  /** Ids refused on this connection: the frames queued behind a refusal that name no other id are theirs, and dropped. */
  private readonly refusedIds = new Set<string>();
  /** A frame of this connection decoded: the peer speaks the protocol and named itself. */
  private decodedAFrame = false;
  private readonly errorLog: ProtocolErrorLog;

  constructor(
    private readonly socket: Socket,
    private readonly spec: TcpProtocolSpec<S>,
    ingest: IngestPort,
    private readonly counters: ListenerCounters,
    private readonly log: Logger,
    private readonly opts: TcpConnectionOptions,
  ) {
    this.framer = spec.createFramer();
    this.state = spec.initialState();
    this.session = new DeviceSession(ingest, spec.protocol, socket.remoteAddress ?? 'unknown', log);
    // The logger is the listener's child bound to the remote address.
    this.errorLog = new ProtocolErrorLog(log);
    socket.setNoDelay(true);
    socket.setTimeout(opts.idleTimeoutMs);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('timeout', () => {
      if (this.closed) return this.socket.destroy();
      this.counters.idleClosed++;
      this.log.info({ uniqueId: this.session.device?.uniqueId, idleMs: opts.idleTimeoutMs }, 'idle connection closed');
      this.destroy();
    });
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
    socket.on('close', () => {
      this.closed = true;
      this.errorLog.summarise({ uniqueId: this.session.device?.uniqueId });
    });
  }

  /** Drops the connection now; a frame still waiting for its commit gets no ACK (the device resends it). */
  destroy(): void {
    this.closed = true;
    this.stopped = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.counters.bytesIn += chunk.length;
    if (this.draining || this.closed) return;
    const { frames, errors } = this.framer.push(chunk);
    for (const frame of frames) {
      this.counters.frames++;
      const result = this.spec.decode(frame, this.state);
      this.state = result.state;
      if (!result.ok) {
        if (this.badFrame(result.error)) return;
        continue;
      }
      this.decodedAFrame = true;
      this.enqueue(result.messages, result.reply);
    }
    // Framer errors (garbage skipped, buffer cap) concern bytes after the frames above.
    for (const error of errors) if (this.badFrame(error)) return;
  }

  /** Counts a protocol error and logs it (see ProtocolErrorLog); returns true when the connection is being closed. */
  private badFrame(error: ProtocolError): boolean {
    this.counters.errors++;
    const unidentified = !error.fatal && !this.spec.closeOnBadFrame && !this.decodedAFrame && this.errorLog.count + 1 >= MAX_ERRORS_BEFORE_A_FRAME;
    const close = error.fatal || this.spec.closeOnBadFrame || unidentified;
    if (unidentified) this.counters.unidentifiedClosed++;
    const reason = unidentified ? { reason: `${this.errorLog.count + 1} protocol errors and no frame` } : {};
    this.errorLog.note(error, { uniqueId: this.session.device?.uniqueId, closing: close, ...reason }, close);
    if (close) this.drainThenClose();
    return close;
  }

  private enqueue(messages: DeviceMessage[], reply: Uint8Array | undefined): void {
    this.pending++;
    if (this.pending >= this.opts.maxPendingFrames) this.socket.pause();
    this.queue.push({ messages, reply });
    this.chain = this.chain.then(() => this.process());
  }

  /**
   * The frames at the head of the queue that can be committed as one: all for the same
   * device, so that a frame naming another id (refused or not) starts a commit of its own.
   */
  private takeBatch(): QueuedFrame[] {
    const first = this.queue[0];
    if (!first) return [];
    const device = namedId(first) ?? this.session.device?.uniqueId;
    let n = 1;
    while (n < this.queue.length && n < MAX_FRAMES_PER_COMMIT) {
      const id = namedId(this.queue[n]);
      if (id !== undefined && id !== device) break;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async process(): Promise<void> {
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    try {
      if (this.stopped) return;
      if (this.refusedIds.size > 0) {
        // Behind a refusal: a batch naming no id (GT06 positions after a refused login) or the refused one is that device's.
        const id = namedId(batch[0]);
        if (id === undefined || this.refusedIds.has(id)) return;
      }
      const outcome = await this.session.handle(batch.flatMap((f) => f.messages));
      if (outcome.kind === 'refused') {
        // SPEC §5: an unknown id closes the connection and writes nothing. The frames received before the close
        // that name a registered device are still committed, like those of a device that hangs up: an H02
        // sends one id per connection, so another id in its stream is most likely a corrupt digit, and its
        // registered frames before and after it have no ACK to be resent on. They get no reply (closed).
        this.counters.refused++;
        this.refusedIds.add(outcome.uniqueId);
        this.close(this.spec.refusal, false);
        return;
      }
      if (outcome.kind === 'notLoggedIn') {
        this.counters.errors++;
        this.log.warn('protocol error: data before login; closing');
        this.close();
        return;
      }
      for (const { reply } of batch) {
        if (!reply || this.closed) continue;
        this.socket.write(reply);
        this.counters.acks++;
        this.counters.bytesOut += reply.length;
      }
    } catch (err) {
      // Not committed: no ACK, and no later frame may be acknowledged past this one (the device would drop it).
      this.counters.commitFailures++;
      this.log.error({ uniqueId: this.session.device?.uniqueId, err: (err as Error).message }, 'positions not committed; closing without ACK');
      this.close();
    } finally {
      this.pending -= batch.length;
      if (this.pending === 0 && !this.draining && !this.closed) this.socket.resume();
    }
  }

  private drainThenClose(): void {
    this.draining = true;
    this.chain = this.chain.then(() => this.close());
  }

  /**
   * Half-closes after flushing `last`. An immediate destroy could reset the
   * connection and lose `last` (Teltonika's refusal byte) when the device has
   * sent more; a peer that never closes its side is dropped after a grace period.
   * `stop` = false leaves the frames already queued to be committed (after a refusal).
   */
  private close(last?: Uint8Array, stop = true): void {
    if (stop) this.stopped = true;
    if (this.closed) return;
    this.closed = true;
    this.draining = true;
    if (last) {
      this.socket.end(last);
      this.counters.bytesOut += last.length;
    } else this.socket.end();
    this.socket.setTimeout(CLOSE_GRACE_MS);
  }
}
