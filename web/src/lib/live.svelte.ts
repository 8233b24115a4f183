import { flushSync } from 'svelte';
import { io, type Socket } from 'socket.io-client';
import type { LivePosition, LiveServerEvents, LiveSnapshot } from '$contract/live.ts';
import { measureLiveWork } from './wall/live-perf.ts';

// Mirrors LIVE_PATH in server/contract/live.ts (types only cross into web, STYLE §1).
const LIVE_PATH = '/live';

export type LinkStatus = 'connecting' | 'connected' | 'reconnecting';
/** `snapshot` replaces everything known; `delta` updates the collectors it names (SPEC §7). */
export type BatchKind = 'snapshot' | 'delta';
export type BatchListener = (batch: readonly LivePosition[], kind: BatchKind) => void;

/**
 * The socket.io link to /live. Positions are not kept as reactive state: at 2,000
 * collectors × 1 Hz that would be thousands of proxied writes a second. Consumers
 * (the map source, the list rows) subscribe and apply batches their own cheap way;
 * only the link status and the time of the last message are reactive.
 */
class Live {
  status = $state<LinkStatus>('connecting');
  /** Epoch ms of the last snapshot or batch; 0 before the first. */
  lastMessageAt = $state(0);

  #socket: Socket<LiveServerEvents> | null = null;
  #listeners = new Set<BatchListener>();
  /** Latest position per device, so a late subscriber (the map, once its style loads) starts complete. */
  #latest = new Map<number, LivePosition>();
  /** Listeners of the other server events (`plan`, `visit`…), kept across reconnections. */
  #handlers = new Map<string, Set<(payload: never) => void>>();
  #snapshotListeners = new Set<(snapshot: LiveSnapshot) => void>();

  /** Opens the link; `onUnauthorized` runs when the server refuses the token. */
  connect(token: string, onUnauthorized: () => void): void {
    this.disconnect();
    this.status = 'connecting';
    // socket.io's default transports (long-polling, then upgrade to WebSocket): the link
    // still works where a proxy, or another upgrade handler on the same port, breaks
    // WebSocket — it just stays on polling.
    const socket: Socket<LiveServerEvents> = io({ path: LIVE_PATH, auth: { token } });
    socket.on('connect', () => (this.status = 'connected'));
    socket.on('disconnect', (reason) => {
      // The server lets a socket go itself only when its session ended (signed out elsewhere, expired).
      if (reason === 'io server disconnect') onUnauthorized();
      else this.status = 'reconnecting';
    });
    socket.on('connect_error', (err) => {
      // The server's auth middleware rejects with an "unauthorized" error (SPEC §6).
      if (/unauthori[sz]ed|invalid token|401/i.test(err.message)) onUnauthorized();
      else this.status = socket.active ? 'reconnecting' : 'connecting';
    });
    // Every (re)connection starts with a snapshot: whoever keeps state besides positions
    // (visits, plans, events, KPIs) re-syncs on it, so a wall left through a server
    // restart or a network drop catches up with what it missed.
    socket.on('snapshot', (snapshot) => {
      this.#deliver(snapshot.positions, 'snapshot');
      for (const listener of this.#snapshotListeners) listener(snapshot);
    });
    socket.on('positions', (batch) => this.#deliver(batch, 'delta'));
    socket.onAny((event: string, payload: unknown) => {
      this.lastMessageAt = Date.now();
      for (const listener of this.#handlers.get(event) ?? []) listener(payload as never);
    });
    this.#socket = socket;
  }

  disconnect(): void {
    this.#socket?.disconnect();
    this.#socket = null;
    this.lastMessageAt = 0;
    this.#latest.clear();
  }

  /** `listener` gets every batch from now on, starting with the last snapshot seen if any. */
  subscribe(listener: BatchListener): () => void {
    this.#listeners.add(listener);
    if (this.#latest.size > 0) listener([...this.#latest.values()], 'snapshot');
    return () => this.#listeners.delete(listener);
  }

  /** `listener` gets every `event` the server sends from now on (a page may subscribe before the link opens). */
  on<E extends keyof LiveServerEvents>(event: E, listener: LiveServerEvents[E]): () => void {
    const set = this.#handlers.get(event) ?? new Set();
    set.add(listener as (payload: never) => void);
    this.#handlers.set(event, set);
    return () => set.delete(listener as (payload: never) => void);
  }

  /** `listener` runs after every snapshot, i.e. on each connection and reconnection, with what it carries besides positions. */
  onSnapshot(listener: (snapshot: LiveSnapshot) => void): () => void {
    this.#snapshotListeners.add(listener);
    return () => this.#snapshotListeners.delete(listener);
  }

  #deliver(batch: readonly LivePosition[], kind: BatchKind): void {
    const start = performance.now();
    this.lastMessageAt = Date.now();
    if (kind === 'snapshot') this.#latest.clear();
    for (const p of batch) this.#latest.set(p.deviceId, p);
    for (const listener of this.#listeners) listener(batch, kind);
    // Svelte would apply the DOM updates in a microtask anyway; doing it here lets the
    // batch's whole main-thread cost be counted in its `ronda:live-update` measure.
    flushSync();
    measureLiveWork('batch', start, performance.now() - start);
  }
}

export const live = new Live();
