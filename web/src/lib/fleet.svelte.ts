import type { CollectorList, CollectorSummary } from '$contract/collector.ts';
import type { LivePosition } from '$contract/live.ts';
import { api } from './api.ts';
import { clock } from './clock.svelte.ts';
import { collectorState, isReporting, type CollectorState, type LastReport } from './collector-state.ts';
import { live } from './live.svelte.ts';
import { UnknownCollectors } from './unknown-collectors.ts';
import { stateContext } from './wall/state-context.ts';

/** Case- and accent-insensitive key, so "jose" finds "José". */
export function searchKey(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

/**
 * One collector as the wall shows it. Only `last` is reactive, and raw (not deeply
 * proxied): a new position replaces it, which re-renders this row and nothing else.
 */
export class CollectorRow {
  readonly id: number;
  readonly name: string;
  readonly phone: string | null;
  readonly teamId: number | null;
  readonly teamName: string | null;
  /** The team's time zone, null without a team (then the dashboard's). */
  readonly timeZone: string | null;
  readonly devices: CollectorSummary['devices'];
  readonly key: string;
  last = $state.raw<LivePosition | null>(null);
  report = $state.raw<LastReport | null>(null);
  readonly state: CollectorState = $derived.by(() => collectorState(this.report, clock.now, stateContext(this.id, this.last)));
  readonly reporting: boolean = $derived(isReporting(this.report, clock.now));

  constructor(summary: CollectorSummary) {
    this.id = summary.id;
    this.name = summary.name;
    this.phone = summary.phone;
    this.teamId = summary.teamId;
    this.teamName = summary.teamName;
    this.timeZone = summary.timeZone;
    this.devices = summary.devices;
    this.key = searchKey(summary.name);
    if (summary.last) this.update(summary.last);
  }

  /** Whether the list's entry says what this row shows: else a reload replaces the row. */
  shows(summary: CollectorSummary): boolean {
    return (
      summary.name === this.name &&
      summary.phone === this.phone &&
      summary.teamId === this.teamId &&
      summary.teamName === this.teamName &&
      summary.timeZone === this.timeZone &&
      JSON.stringify(summary.devices) === JSON.stringify(this.devices)
    );
  }

  /** Keeps the newest report; a collector with a phone and a tracker reports through both. */
  update(p: LivePosition): void {
    const tsMs = Date.parse(p.ts);
    if (this.report && tsMs < this.report.tsMs) return;
    this.last = p;
    this.report = { tsMs, speedKph: p.speedKph, batteryPct: p.batteryPct };
  }
}

/**
 * A snapshot this soon after a load started belongs to the connection opened with it (the wall's
 * first seconds): the list is as new as the link, nothing to catch up.
 */
const SNAPSHOT_AFTER_LOAD_MS = 2_000;

/** The team's collectors (GET /api/collectors) kept current by the live stream. */
class Fleet {
  rows = $state.raw<CollectorRow[]>([]);
  loaded = $state(false);
  loadError = $state<string | null>(null);
  /** Teams of the collectors in scope, by id, in name order: the wall's team filter. */
  readonly teams: FleetTeam[] = $derived(teamsOf(this.rows));

  #byId = new Map<number, CollectorRow>();
  #unsubscribe: (() => void) | null = null;
  #offListChanged: (() => void) | null = null;
  #offSnapshot: (() => void) | null = null;
  #lastLoadAt = 0;
  #loading = false;
  /** The server said the list changed (a live `collectors`) since the last load started. */
  #listChanged = false;
  #reloadTimer: ReturnType<typeof setTimeout> | null = null;
  #unknown = new UnknownCollectors();

  /** Reactive: a `$derived` that looks a collector up before the list has loaded runs again once it has. */
  get(id: number): CollectorRow | undefined {
    void this.rows;
    return this.#byId.get(id);
  }

  async load(): Promise<void> {
    // A rename, a move, a new or deactivated collector, a team renamed: positions alone never tell of these.
    this.#offListChanged ??= live.on('collectors', () => {
      this.#listChanged = true;
      if (this.loaded) this.#reloadSoon();
    });
    // A (re)connection's snapshot: `collectors` events sent while the link was down never arrive.
    this.#offSnapshot ??= live.onSnapshot(() => {
      if (Date.now() - this.#lastLoadAt < SNAPSHOT_AFTER_LOAD_MS) return;
      this.#listChanged = true;
      if (this.loaded) this.#reloadSoon();
    });
    this.#lastLoadAt = Date.now();
    this.#loading = true;
    this.#listChanged = false;
    const requested = this.#unknown.begin();
    try {
      const { collectors } = await api<CollectorList>('/collectors');
      const rows = collectors.map((c) => this.#row(c));
      this.#byId = new Map(rows.map((r) => [r.id, r]));
      this.rows = rows;
      this.loaded = true;
      this.loadError = null;
      this.#unknown.loaded(requested, (id) => this.#byId.has(id), Date.now());
    } catch (err) {
      // Not asked again at once: the API is failing, and the collector's next position asks anyway.
      this.loadError = err instanceof Error ? err.message : String(err);
    } finally {
      this.#loading = false;
    }
    this.#unsubscribe ??= live.subscribe((batch) => this.#apply(batch));
    // Collectors first seen, or changes announced, while this load ran: its answer may predate them.
    if ((this.#unknown.pending || this.#listChanged) && this.loaded) this.#reloadSoon();
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#offListChanged?.();
    this.#offListChanged = null;
    this.#offSnapshot?.();
    this.#offSnapshot = null;
    if (this.#reloadTimer) clearTimeout(this.#reloadTimer);
    this.#reloadTimer = null;
  }

  /** A listed collector's row: the same one while it shows what the list says, so nothing re-renders for nothing. */
  #row(summary: CollectorSummary): CollectorRow {
    const shown = this.#byId.get(summary.id);
    if (shown?.shows(summary)) return shown;
    const row = new CollectorRow(summary);
    // A position that came live after the list's answer was read.
    if (shown?.last) row.update(shown.last);
    return row;
  }

  #apply(batch: readonly LivePosition[]): void {
    let unknown = false;
    const now = Date.now();
    for (const p of batch) {
      if (p.collectorId === null) continue; // a device not yet assigned to anyone
      const row = this.#byId.get(p.collectorId);
      if (row) row.update(p);
      else if (this.#unknown.seen(p.collectorId, now)) unknown = true;
    }
    if (unknown && this.loaded) this.#reloadSoon();
  }

  #reloadSoon(): void {
    if (this.#reloadTimer || this.#loading) return;
    const wait = this.#unknown.delayMs(this.#lastLoadAt, Date.now());
    this.#reloadTimer = setTimeout(() => {
      this.#reloadTimer = null;
      void this.load();
    }, wait);
  }
}

export interface FleetTeam {
  id: number;
  name: string;
  timeZone: string | null;
}

function teamsOf(rows: readonly CollectorRow[]): FleetTeam[] {
  const byId = new Map<number, FleetTeam>();
  for (const r of rows) if (r.teamId !== null) byId.set(r.teamId, { id: r.teamId, name: r.teamName ?? String(r.teamId), timeZone: r.timeZone });
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export const fleet = new Fleet();
