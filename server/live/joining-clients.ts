import type { Socket } from 'socket.io';
import type { LivePosition, LiveServerEvents } from '../contract/live.ts';
import type { Delivery } from './live-rooms.ts';

/** The deltas the hub sends besides `positions`: records and deviation events. */
export type LiveDelta = Exclude<keyof LiveServerEvents, 'snapshot' | 'positions'>;

interface Joining {
  socket: Socket;
  /** The rooms its scope put it in (live-rooms.ts roomsOf). */
  rooms: readonly string[];
  /** Records and events sent to its room while its snapshot was read, in order; null once they have followed it. */
  held: [LiveDelta, unknown][] | null;
  /** Positions for it since it joined, newest per device: they go out with the first batch after its snapshot. */
  positions: Map<number, LivePosition>;
}

/**
 * Clients between their connection and their first `positions` batch after their
 * snapshot. SPEC §7: the current state, then deltas. A client is in its room
 * before its snapshot is read, so nothing committed meanwhile can miss it, but
 * the hub leaves it out of what it sends the room (`except`) and holds the
 * deltas here until the snapshot has gone. Its held positions wait for the next
 * flush, merged, so catching up never adds a batch to the ≤ 4 a second.
 */
export class JoiningClients {
  #clients = new Map<string, Joining>();

  /** `limit`: records held for one client past which it is dropped (a snapshot read that hangs); it reconnects. */
  constructor(private readonly limit: number) {}

  add(socket: Socket, rooms: readonly string[]): void {
    this.#clients.set(socket.id, { socket, rooms, held: [], positions: new Map() });
  }

  remove(socketId: string): void {
    this.#clients.delete(socketId);
  }

  /** Clients to leave out of a room's records and events: their snapshot is still being read. */
  readingSnapshot(): string[] {
    const ids: string[] = [];
    for (const [id, c] of this.#clients) if (c.held) ids.push(id);
    return ids;
  }

  /** Clients to leave out of a room's `positions`: their first batch is their own. */
  all(): string[] {
    return [...this.#clients.keys()];
  }

  /** A record or event sent as `deliveries`: each client reading its snapshot keeps the one that reaches its rooms. */
  hold(name: LiveDelta, deliveries: readonly Delivery[]): void {
    for (const c of this.#clients.values()) {
      if (!c.held) continue;
      const mine = deliveries.find((d) => d.rooms.some((room) => c.rooms.includes(room)));
      if (!mine) continue;
      c.held.push([name, mine.payload]);
      if (c.held.length > this.limit) {
        this.#clients.delete(c.socket.id);
        c.socket.conn.close(true);
      }
    }
  }

  /** Sends `snapshot` to a client, then what was held for it, in order. */
  sendSnapshot(socketId: string, snapshot: Parameters<LiveServerEvents['snapshot']>[0]): void {
    const c = this.#clients.get(socketId);
    if (!c?.held) return;
    c.socket.emit('snapshot', snapshot);
    for (const [name, payload] of c.held) c.socket.emit(name, payload);
    c.held = null;
  }

  /**
   * A flush: each client's share of the batch (what went to its rooms) is kept; a client
   * whose snapshot has gone gets what it has, as its first batch, and is done joining.
   */
  flushed(byRoom: ReadonlyMap<string, readonly LivePosition[]>): void {
    for (const [id, c] of this.#clients) {
      for (const room of c.rooms) for (const p of byRoom.get(room) ?? []) keepNewest(c.positions, p);
      if (c.held) continue;
      if (c.positions.size > 0) c.socket.emit('positions', [...c.positions.values()]);
      this.#clients.delete(id);
    }
  }
}

export function keepNewest(into: Map<number, LivePosition>, p: LivePosition): void {
  const prev = into.get(p.deviceId);
  if (!prev || Date.parse(prev.ts) < Date.parse(p.ts)) into.set(p.deviceId, p);
}
