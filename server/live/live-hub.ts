import type { Server as HttpServer } from 'node:http';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import type { SessionUser } from '../contract/auth.ts';
import type { EventOut } from '../contract/event.ts';
import { LIVE_PATH, type LiveCollectorsChanged, type LivePosition, type LiveRecordEvent, type LiveServerEvents } from '../contract/live.ts';
import type { TeamOut } from '../contract/team.ts';
import type { Database } from '../db/database.ts';
import type { PositionWrite } from '../ingest/batch-writer.ts';
import { lastPositions } from '../repositories/position.repository.ts';
import { findTeam } from '../repositories/team.repository.ts';
import { JoiningClients, keepNewest, type LiveDelta } from './joining-clients.ts';
import { deliveriesOf, liveScope, positionsByRoom, roomsOf, type LiveScope } from './live-rooms.ts';

/**
 * SPEC §7: `positions` at most 4 times a second per client. Each batch is timed from the
 * previous one's send, with a margin: on a fixed 250 ms interval a late tick followed by an
 * on-time one put 5 batches inside one second.
 */
export const POSITIONS_INTERVAL_MS = 260;
/** How often connected sessions are checked again: an expired or revoked one is disconnected. */
export const SESSION_CHECK_MS = 30_000;
/**
 * Packets waiting for a client that does not read (a paused tab still answering pings, a
 * stalled long-poll): past this it is disconnected, and gets a fresh snapshot when it reconnects.
 */
export const MAX_QUEUED_PACKETS = 400;

export interface LiveHubDeps {
  db: Kysely<Database>;
  log: Logger;
  verify(token: string): Promise<SessionUser | null>;
  /** Open deviation events of a scope (a team or every team, or one collector's) for the snapshot. */
  openEvents?(scope: LiveScope): Promise<EventOut[]>;
  /** A socket.io adapter shared by every instance (REDIS_URL, SPEC §8); unset = this process only. */
  adapter?: ServerOptions['adapter'];
  /** Defaults SESSION_CHECK_MS and MAX_QUEUED_PACKETS; tests shorten them. */
  sessionCheckMs?: number;
  maxQueuedPackets?: number;
}

/**
 * Between instances: each one's coalesced positions, so every hub sends its clients one merged
 * batch; and each record and event, which every hub sends its own clients (holding it for those
 * whose snapshot is being read), rather than a broadcast through the adapter that reaches them all.
 */
interface PeerEvents {
  peerPositions: (batch: LivePosition[]) => void;
  /** `teamIds` was one team id before `collectors` went to several rooms at once: an older instance may still send one. */
  peerDelta: (name: LiveDelta, teamIds: number | number[], payload: unknown) => void;
}

/**
 * socket.io at /live. Committed positions are coalesced per device and sent
 * every 250 ms to each team's room, to the all-teams room and to each collector's
 * own room (a collector watches only their own day: live-rooms.ts); a connecting
 * client first gets the current state (snapshot), then deltas.
 */
export class LiveHub {
  readonly io: Server<Record<string, never>, LiveServerEvents, PeerEvents>;
  /** Positions committed here, not yet sent. */
  private pending = new Map<number, LivePosition>();
  /** Positions other instances committed, not yet sent to our clients. */
  private fromPeers = new Map<number, LivePosition>();
  /**
   * Per device, the fix time (epoch ms) of the newest position the wall has: sent as a delta
   * or in a snapshot. Live deltas only move a collector forward; an older fix (a phone's
   * buffered history) is stored, and replay reads it from the database.
   */
  private liveAtMs = new Map<number, number>();
  private readonly clustered: boolean;
  private teamOfCollector = new Map<number, number | null>();
  private uniqueIdOfDevice = new Map<number, string>();
  private joining: JoiningClients;
  private timer: NodeJS.Timeout;
  private sessionTimer: NodeJS.Timeout;
  private closed = false;

  constructor(http: HttpServer, private readonly deps: LiveHubDeps) {
    // destroyUpgrade: false — other upgrade paths (/mqtt) belong to the broker, not to socket.io.
    this.io = new Server(http, {
      path: LIVE_PATH,
      serveClient: false,
      cors: { origin: true },
      destroyUpgrade: false,
      ...(deps.adapter ? { adapter: deps.adapter } : {}),
    });
    this.clustered = deps.adapter !== undefined;
    this.joining = new JoiningClients(deps.maxQueuedPackets ?? MAX_QUEUED_PACKETS);
    this.io.on('peerPositions', (batch) => {
      for (const p of batch) keepNewest(this.fromPeers, p);
    });
    this.io.on('peerDelta', (name, teamIds, payload) => this.deliver(name, [teamIds].flat(), payload));
    this.io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      if (typeof token !== 'string') return next(new Error('unauthorized'));
      deps
        .verify(token)
        .then((user) => {
          // Every role watches: a collector their own day only (live-rooms.ts), as the REST API answers them.
          if (!user) return next(new Error('unauthorized'));
          socket.data.user = user;
          socket.data.token = token;
          next();
        })
        .catch((err: Error) => next(err));
    });
    this.io.on('connection', (socket) => void this.onConnect(socket));
    this.timer = this.nextFlush();
    this.sessionTimer = setInterval(() => void this.checkSessions(), deps.sessionCheckMs ?? SESSION_CHECK_MS);
    this.sessionTimer.unref();
  }

  /** A session that ended here (logout): its sockets stop receiving at once, and the dashboard goes to its login. */
  endSession(token: string): void {
    for (const socket of this.io.of('/').sockets.values()) if (socket.data.token === token) socket.disconnect(true);
  }

  /** Every session of a user but `keep` ended (deactivated, new password, new role or team): as endSession for each. */
  endUserSessions(userId: number, keep?: string): void {
    for (const socket of this.io.of('/').sockets.values()) {
      if ((socket.data.user as SessionUser).id === userId && socket.data.token !== keep) socket.disconnect(true);
    }
  }

  /** Called by the batch writer after commit. */
  onPositionsCommitted(rows: PositionWrite[]): void {
    for (const r of rows) {
      if (r.deviceTimeMs < (this.liveAtMs.get(r.deviceId) ?? -Infinity)) continue;
      const prev = this.pending.get(r.deviceId);
      if (prev && Date.parse(prev.ts) >= r.deviceTimeMs) continue;
      this.pending.set(r.deviceId, {
        deviceId: r.deviceId,
        collectorId: r.collectorId,
        uniqueId: this.uniqueIdOfDevice.get(r.deviceId) ?? '',
        protocol: r.protocol,
        ts: new Date(r.deviceTimeMs).toISOString(),
        lat: r.lat,
        lon: r.lon,
        speedKph: r.speedKph,
        courseDeg: r.courseDeg,
        batteryPct: r.batteryPct,
        accuracyM: r.accuracyM,
      });
    }
  }

  /** Teams and unique ids of devices, refreshed when devices or collectors change. */
  async refreshDirectory(): Promise<void> {
    const rows = await this.deps.db
      .selectFrom('devices as d')
      .leftJoin('collectors as c', 'c.id', 'd.collector_id')
      .select(['d.id', 'd.unique_id', 'd.collector_id', 'c.team_id'])
      .execute();
    for (const r of rows) {
      this.uniqueIdOfDevice.set(r.id, r.unique_id);
      if (r.collector_id !== null) this.teamOfCollector.set(r.collector_id, r.team_id);
    }
  }

  /** A committed visit, check-in, payment or plan, to its team, to those who watch every team (SPEC §7) and to the collector it concerns. */
  emitRecord<E extends LiveRecordEvent>(event: E, teamId: number, payload: Parameters<LiveServerEvents[E]>[0]): void {
    this.emitDelta(event, [teamId], payload);
  }

  /** A deviation event (issue 5) to its team, to those who watch every team and to its collector. */
  emitEvent(teamId: number, event: EventOut): void {
    this.emitDelta('event', [teamId], event);
  }

  /** The collector lists of these teams changed: once to each client of them and of every team (a move concerns two teams). */
  emitCollectorsChanged(teamIds: readonly (number | null)[]): void {
    if (teamIds.length === 0) return;
    const payload: LiveCollectorsChanged = { teamIds: [...teamIds] };
    this.emitDelta('collectors', [...new Set(teamIds.filter((t) => t !== null))], payload);
  }

  /** A team changed (its zone, currency or name): to its clients, its collectors' and those of every team. */
  emitTeamChanged(team: TeamOut): void {
    this.emitDelta('team', [team.id], team);
  }

  connectedClients(): number {
    return this.io.engine.clientsCount;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.sessionTimer);
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }

  private emitDelta(name: LiveDelta, teamIds: number[], payload: unknown): void {
    if (this.clustered) this.io.serverSideEmit('peerDelta', name, teamIds, payload);
    this.deliver(name, teamIds, payload);
  }

  /**
   * To this instance's clients of the teams, of every team, and of the collectors it concerns, once
   * each (a collector's share computed here from the payload, so a peer's delta needs nothing more);
   * held for those whose snapshot is being read.
   */
  private deliver(name: LiveDelta, teamIds: readonly number[], payload: unknown): void {
    const deliveries = deliveriesOf(name, teamIds, payload);
    const reading = this.joining.readingSnapshot();
    for (const d of deliveries) {
      const rooms = this.io.local.to(d.rooms);
      (reading.length > 0 ? rooms.except(reading) : rooms).emit(name, d.payload as never);
    }
    this.joining.hold(name, deliveries);
  }

  private async onConnect(socket: Socket): Promise<void> {
    const scope = liveScope(socket.data.user as SessionUser);
    const rooms = roomsOf(scope);
    // In the rooms before the snapshot is read, so nothing emitted while it is read can miss this
    // client; what the rooms get meanwhile is held for it until the snapshot has gone (SPEC §7).
    this.joining.add(socket, rooms);
    socket.once('disconnect', () => this.joining.remove(socket.id));
    try {
      await socket.join(rooms);
      const positions = await lastPositions(this.deps.db, scope.team, scope.collector);
      const events = (await this.deps.openEvents?.(scope)) ?? [];
      const { teamId } = socket.data.user as SessionUser;
      const team = teamId === null ? undefined : await findTeam(this.deps.db, teamId);
      for (const p of positions) this.liveAtMs.set(p.deviceId, Math.max(Date.parse(p.ts), this.liveAtMs.get(p.deviceId) ?? -Infinity));
      this.joining.sendSnapshot(socket.id, { positions, events, ...(team && { team }) });
    } catch (err) {
      this.joining.remove(socket.id);
      this.deps.log.error({ err: (err as Error).message }, 'live snapshot failed');
      // Dropped, not disconnected: the client reconnects and asks again ("io server disconnect" means the session ended).
      socket.conn.close(true);
    }
  }

  private nextFlush(): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.flush();
      if (!this.closed) this.timer = this.nextFlush();
    }, POSITIONS_INTERVAL_MS);
    timer.unref();
    return timer;
  }

  /** Sessions logged out on another instance or expired, and clients that stopped reading, are let go. */
  private async checkSessions(): Promise<void> {
    for (const socket of this.io.of('/').sockets.values()) {
      const queued = queuedPackets(socket);
      if (queued > (this.deps.maxQueuedPackets ?? MAX_QUEUED_PACKETS)) {
        this.deps.log.warn({ user: (socket.data.user as SessionUser).email, queued }, 'live client not reading: dropped');
        // The connection, not the socket: a disconnect would wait for the queue to drain (which a client that
        // does not read never does) and tell the dashboard its session ended. Dropped, the client reconnects.
        socket.conn.close(true);
        continue;
      }
      const user = await this.deps.verify(socket.data.token as string).catch(() => undefined);
      if (user === null) socket.disconnect(true);
    }
  }

  /**
   * SPEC §7 allows 4 `positions` a second per client however many instances
   * there are, so instances exchange their batches and each one emits a
   * merged batch to its own clients only, rather than broadcasting through
   * the adapter (which would multiply the rate by the number of instances).
   */
  private flush(): void {
    if (this.clustered && this.pending.size > 0) this.io.serverSideEmit('peerPositions', [...this.pending.values()]);
    for (const p of this.fromPeers.values()) {
      if (!p.uniqueId) p.uniqueId = this.uniqueIdOfDevice.get(p.deviceId) ?? '';
      keepNewest(this.pending, p);
    }
    this.fromPeers.clear();
    const batch: LivePosition[] = [];
    for (const p of this.pending.values()) {
      const tsMs = Date.parse(p.ts);
      // Older than what the wall has: a snapshot read since it was committed, or a peer's late batch.
      if (tsMs < (this.liveAtMs.get(p.deviceId) ?? -Infinity)) continue;
      this.liveAtMs.set(p.deviceId, tsMs);
      batch.push(p);
    }
    this.pending.clear();
    let missing = false;
    const byRoom = positionsByRoom(batch, (p) => {
      if (!p.uniqueId) missing = true;
      const team = p.collectorId === null ? null : this.teamOfCollector.get(p.collectorId);
      if (team === undefined) missing = true;
      return team;
    });
    // socket.io encodes a broadcast even for an empty room; nobody watching costs nothing.
    const rooms = this.io.of('/').adapter.rooms;
    const joining = this.joining.all();
    const to = (room: string) => (joining.length > 0 ? this.io.local.to(room).except(joining) : this.io.local.to(room));
    for (const [room, list] of byRoom) if (rooms.has(room)) to(room).emit('positions', list);
    this.joining.flushed(byRoom);
    if (missing) void this.refreshDirectory().catch(() => undefined);
  }
}

/**
 * engine.io's queue of packets not yet handed to the transport (typed private, public in its
 * JavaScript since 1.x): it grows while a long-poll is not collected or a websocket is not read.
 */
function queuedPackets(socket: Socket): number {
  return (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
}
