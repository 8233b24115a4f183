import type { EventOut } from '$contract/event.ts';
import { api } from '../api.ts';
import { live } from '../live.svelte.ts';
import { sosAlarms, type SosAlarm } from './alarms.ts';
import { deviatingCollectors } from './deviations.ts';
import { feedOrder } from './records.ts';

/**
 * Open deviation events (issue 5) for the wall's feed: loaded from GET /api/events,
 * kept by the live `event` stream, replaced by each (re)connection's snapshot. An
 * event leaves the feed when its condition ends (closedAt set).
 */
class OpenEvents {
  list = $state.raw<EventOut[]>([]);
  loadError = $state<string | null>(null);
  /** Ids with an acknowledge request in flight, and the last failure per id. */
  acking = $state.raw<ReadonlySet<number>>(new Set());
  ackError = $state<{ id: number; message: string } | null>(null);
  /** Collectors with an open, unacknowledged route deviation: their markers show "in deviation". */
  readonly deviating: ReadonlySet<number> = $derived(deviatingCollectors(this.list));
  /** Collectors with an open, unacknowledged SOS, each with its newest: their markers and rows show "SOS". */
  readonly sos: ReadonlyMap<number, SosAlarm> = $derived(sosAlarms(this.list));

  #byId = new Map<number, EventOut>();
  #stops: (() => void)[] = [];

  start(): void {
    if (this.#stops.length > 0) return;
    this.#stops.push(
      live.on('event', (e) => this.#put(e)),
      live.onSnapshot(({ events }) => {
        // Servers that send open events in the snapshot save a request; others get one.
        if (events) this.#replace(events);
        else void this.load();
      }),
    );
    // The link may be up already (the wall opened from another page): no snapshot is coming.
    if (live.status === 'connected') void this.load();
  }

  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
  }

  async load(): Promise<void> {
    try {
      const { events } = await api<{ events: EventOut[] }>('/events?open=true&limit=1000');
      this.#replace(events);
      this.loadError = null;
    } catch (err) {
      this.loadError = err instanceof Error ? err.message : String(err);
    }
  }

  async acknowledge(id: number): Promise<void> {
    this.acking = new Set([...this.acking, id]);
    try {
      this.#put(await api<EventOut>(`/events/${id}/ack`, { method: 'POST' }));
      if (this.ackError?.id === id) this.ackError = null;
    } catch (err) {
      this.ackError = { id, message: err instanceof Error ? err.message : String(err) };
    } finally {
      const next = new Set(this.acking);
      next.delete(id);
      this.acking = next;
    }
  }

  #replace(events: readonly EventOut[]): void {
    this.#byId = new Map(events.filter((e) => e.closedAt === null).map((e) => [e.id, e]));
    this.#publish();
  }

  #put(e: EventOut): void {
    if (e.closedAt === null) this.#byId.set(e.id, e);
    else this.#byId.delete(e.id);
    this.#publish();
  }

  #publish(): void {
    this.list = [...this.#byId.values()].sort(feedOrder);
  }
}

export const openEvents = new OpenEvents();
