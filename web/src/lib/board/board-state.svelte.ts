import type { DayPlans, PlanOut, ReassignRequest } from '$contract/plan.ts';
import type { VisitOut, VisitStatus } from '$contract/visit.ts';
import { SvelteMap } from 'svelte/reactivity';
import { ApiError, api } from '../api.ts';
import { i18n, wording, type Wording } from '../i18n.svelte.ts';
import { clockFormat } from '../i18n/format.ts';
import { live } from '../live.svelte.ts';
import {
  OPEN_STATUSES,
  conflictAuthor,
  conflictKind,
  dropIndex,
  droppedVisits,
  isNewerPlan,
  isWaiting,
  mergeWaiting,
  newestOfDay,
  openVisitIds,
  placementOf,
  reorderedIds,
  routeDeltas,
  type RouteDelta,
} from './board-plan.ts';

/** Why the server refused a change it could not keep in the plan (server/plans/reassign-changes.ts `assertChangesKept`). */
const REFUSALS = ['skill', 'window', 'capacity', 'max_tasks', 'shift_full'] as const;
const isRefusal = (reason: string | undefined): reason is (typeof REFUSALS)[number] => REFUSALS.some((r) => r === reason);

/** The same budget the server gives a reassignment: the new route shows within a second. */
const UNLOCK_REPLAN_MS = 250;

/**
 * What the board tells the dispatcher after an action: `conflict` is another person's edit of the visit
 * winning; `outdated`, the day moved on otherwise (the visit was finished, or left the route) and the
 * board reloaded; both keep the server's words as a detail. An `error`'s detail is worded when shown
 * (the board's own words follow a language switch while the notice stays up; the server's stay its own).
 */
export type BoardNotice =
  | { kind: 'done'; dropped: { visitId: number; accountName: string; collectorName: string }[] }
  | { kind: 'conflict'; by: string | null; at: Date | null; detail: string }
  | { kind: 'outdated'; why: 'closed' | 'not_on_route' | 'changed'; detail: string }
  | { kind: 'error'; detail: Wording };

/** A visit's newest version and status as the live stream reported them, newer than the plan's copy, and when that was. */
interface VisitLive {
  version: number;
  status: VisitStatus;
  updatedMs: number;
}

/**
 * The dispatcher board's state for one team and day: the current plan version,
 * the unassigned visits' details (their version and address, which the plan
 * does not carry), the selection, and the actions. Every action is one
 * `POST /api/plans/:date/reassign`; its answer is the new plan, shown at once.
 * Live `plan` events from other dispatchers replace the plan when newer.
 */
export class BoardState {
  /** The user's role may change plans (SPEC §6: admin, supervisor, dispatcher); managers only read. */
  canWrite = $state(false);
  teamId = $state<number | null>(null);
  date = $state('');
  plan = $state.raw<PlanOut | null>(null);
  /** The day's visits with no collector (status planned) by id, from GET /api/visits and kept by live `visit` events. */
  pending = $state.raw<ReadonlyMap<number, VisitOut>>(new Map());
  /** Pending visits the plan does not know yet (created after it was computed): they wait in the unassigned column too. */
  readonly unplanned: VisitOut[] = $derived(this.plan ? [...this.pending.values()].filter((v) => !placementOf(this.plan!, v.id)) : []);
  loading = $state(false);
  /** No plan stored yet for the team and day. */
  missing = $state(false);
  /** With no plan stored: the day's visits as they stand (unassigned, or assigned by hand), for the dispatcher to see before planning. */
  dayVisits = $state.raw<VisitOut[]>([]);
  /** With no plan: the team has no visits that day at all, nothing to plan, which the board says instead of offering to plan it. */
  get noVisits(): boolean {
    return this.dayVisits.length === 0;
  }
  loadError = $state<string | null>(null);
  /** The visit an action is under way for (or 0 for a whole-day action); null when idle. */
  busy = $state<number | null>(null);
  notice = $state.raw<BoardNotice | null>(null);
  #selectedId = $state<number | null>(null);
  /** The selected visit's version when it was selected: what its card's actions were decided on. */
  #decidedOn: number | null = null;

  /**
   * The visit whose card is open (a click on its card or map pin, or a drag). Selecting
   * notes the visit's version then, and a move or cancel of it is sent with that version:
   * if another dispatcher changed the visit while the card was open, the server refuses
   * (409, "X changed this visit…") instead of applying this over it.
   */
  get selectedId(): number | null {
    return this.#selectedId;
  }
  set selectedId(id: number | null) {
    this.#selectedId = id;
    this.#decidedOn = id === null ? null : this.versionOf(id);
  }
  /**
   * The visit whose card takes the keyboard focus once it renders: a moved or
   * reordered card is a new or moved DOM node, and the focus would otherwise
   * fall back to the page.
   */
  refocus = $state<number | null>(null);
  /** Collectors whose route the last new plan changed, for a brief highlight. */
  changed = $state.raw<ReadonlySet<number>>(new Set());
  /** What the last new plan changed on each of those routes (distance, return time). */
  deltas = $state.raw<ReadonlyMap<number, RouteDelta>>(new Map());

  /** While the plan settings pick the office on the map: what the next click on the map is given. */
  pickOffice = $state.raw<((lon: number, lat: number) => void) | null>(null);

  /** The visit being dragged, and the card it would land before (null: the end of the column). */
  dragging = $state<number | null>(null);
  dropTarget = $state.raw<{ collectorId: number; beforeVisitId: number | null } | null>(null);

  /** ETAs as "09:40", in the plan's (the team's) time zone. */
  readonly clock = $derived(
    clockFormat(i18n.languageTag, this.plan?.timeZone ?? i18n.timeZone),
  );

  #live = new SvelteMap<number, VisitLive>();
  /** The earliest check-in the live stream reported at each visit: when one closed since the plan was done. */
  #checkedIn = new SvelteMap<number, number>();
  /**
   * The live `visit` events since the board opened, newest per visit, to correct a slower GET /api/visits: of
   * any team and day, so that one saying a visit left the team or day on screen keeps it off (see newestOfDay).
   */
  #liveVisits = new Map<number, VisitOut>();
  #off: (() => void)[] = [];

  /** Follows live plans and visits; call once when the page mounts, `stop` when it goes. */
  start(): void {
    this.#off.push(
      live.on('plan', (p) => {
        if (this.teamId !== null && isNewerPlan(this.plan, p, this.teamId, this.date)) this.#show(p);
      }),
      live.on('visit', (v) => {
        if (!this.#remember(v)) return;
        this.#liveVisits.set(v.id, v);
        // A visit of another team or day is the board's no more if it was: its account moved to another team (the
        // team left hears of it with the new teamId, and a new plan only if its day has one), or it moved to another day.
        const held = this.#holds(v);
        this.#track(v, held);
        if (this.missing && (held || this.dayVisits.some((d) => d.id === v.id))) {
          this.dayVisits = [...this.dayVisits.filter((d) => d.id !== v.id), ...(held ? [v] : [])];
        }
      }),
      live.on('checkin', (c) => {
        const at = Date.parse(c.ts);
        const known = this.#checkedIn.get(c.visitId);
        if (known === undefined || at < known) this.#checkedIn.set(c.visitId, at);
      }),
      // After a reconnection the board may have missed plans: read the current one again.
      live.onSnapshot(() => {
        if (this.plan) void this.load();
      }),
    );
  }

  stop(): void {
    for (const off of this.#off) off();
    this.#off = [];
  }

  async open(teamId: number, date: string): Promise<void> {
    this.teamId = teamId;
    this.date = date;
    this.plan = null;
    this.pending = new Map();
    this.#liveVisits.clear();
    this.selectedId = null;
    this.notice = null;
    await this.load();
  }

  async load(): Promise<void> {
    const { teamId, date } = this;
    if (teamId === null) return;
    this.loading = true;
    try {
      // The list answers a day without a plan (visits assigned by hand, or not yet optimized) with none, not a 404.
      const [plan] = (await api<DayPlans>(`/plans?date=${date}&teamId=${teamId}`)).plans;
      if (teamId !== this.teamId || date !== this.date) return;
      if (plan) {
        this.loadError = null;
        this.dayVisits = [];
        this.#show(plan);
        return;
      }
      // No plan: the day's visits as they stand, so the dispatcher sees what planning would route (or that there is nothing).
      const { visits } = await api<{ visits: VisitOut[] }>(`/visits?date=${date}&teamId=${teamId}&limit=5000`);
      if (teamId !== this.teamId || date !== this.date) return;
      this.loadError = null;
      this.plan = null;
      this.missing = true;
      this.dayVisits = [...newestOfDay(visits, this.#liveVisits.values(), { teamId, date }).values()];
    } catch (err) {
      this.loadError = err instanceof Error ? err.message : String(err);
    } finally {
      this.loading = false;
    }
  }

  /** The newest version of the visit the board has seen (plan, unassigned list or live stream). */
  versionOf(visitId: number): number | null {
    const seen = this.#live.get(visitId)?.version ?? 0;
    const placement = this.plan ? placementOf(this.plan, visitId) : null;
    const known = placement?.stop?.visitVersion ?? this.pending.get(visitId)?.version ?? null;
    return known === null ? null : Math.max(known, seen);
  }

  /** The stop's status, or the live one when the visit changed after the plan (a check-in, say). */
  statusOf(stop: { visitId: number; visitVersion: number; status: VisitStatus }): VisitStatus {
    const seen = this.#live.get(stop.visitId);
    return seen && seen.version > stop.visitVersion ? seen.status : stop.status;
  }

  /**
   * When a finished visit was done: the plan's word (its first check-in, else when it was closed), else for one
   * closed since the plan, its check-in or the change that closed it as the live stream reported them.
   */
  doneAtOf(visitId: number, fromPlan: string | undefined): number | null {
    if (fromPlan !== undefined) return Date.parse(fromPlan);
    const checkedIn = this.#checkedIn.get(visitId);
    if (checkedIn !== undefined) return checkedIn;
    const seen = this.#live.get(visitId);
    return seen && !OPEN_STATUSES.has(seen.status) ? seen.updatedMs : null;
  }

  /** The version a move or cancel is sent with: for the selected visit, the one seen when it was selected. */
  #versionToSend(visitId: number): number | null {
    return visitId === this.#selectedId && this.#decidedOn !== null ? this.#decidedOn : this.versionOf(visitId);
  }

  move(visitId: number, toCollectorId: number): Promise<void> {
    const version = this.#versionToSend(visitId);
    if (version === null) return Promise.resolve();
    return this.#reassign(visitId, { moves: [{ visitId, toCollectorId, version }] });
  }

  /** Puts `visitId` at `toIndex` among its collector's open visits (by their status now); that order is kept, the ETAs re-planned. */
  reorder(visitId: number, toIndex: number): Promise<void> {
    const placement = this.plan ? placementOf(this.plan, visitId) : null;
    if (!placement || placement.collectorId === null) return Promise.resolve();
    const route = this.plan!.routes.find((r) => r.collectorId === placement.collectorId)!;
    const visitIds = reorderedIds(route, this.isOpen, visitId, toIndex);
    const current = openVisitIds(route, this.isOpen);
    if (visitIds.every((id, i) => id === current[i])) return Promise.resolve();
    // The server locks the moved visit in its new place: the next change to the route keeps this order up to it.
    return this.#reassign(visitId, { reorder: { collectorId: placement.collectorId, visitIds, movedVisitId: visitId } });
  }

  cancel(visitId: number): Promise<void> {
    const version = this.#versionToSend(visitId);
    if (version === null) return Promise.resolve();
    return this.#reassign(visitId, { cancel: [{ visitId, version }] });
  }

  lock(visitId: number): Promise<void> {
    return this.#reassign(visitId, { lock: [visitId] });
  }

  /**
   * Lets the optimizer move the visit again. The reassign request can only add
   * locks, so this clears the flag (PUT /api/plans/settings/visits/:id) and
   * re-optimizes the collector's route, which is when the flag takes effect.
   */
  unlock(visitId: number, collectorId: number): Promise<void> {
    return this.#run(visitId, async () => {
      await api<null>(`/plans/settings/visits/${visitId}`, { method: 'PUT', body: JSON.stringify({ locked: false }) });
      const body = { date: this.date, teamId: this.teamId, collectorIds: [collectorId], options: { timeLimitMs: UNLOCK_REPLAN_MS } };
      return api<PlanOut>('/plans/optimize', { method: 'POST', body: JSON.stringify(body) });
    });
  }

  /** Plans the whole day: the first time, or again over the current plan (its open visits). */
  async optimize(): Promise<void> {
    if (this.teamId === null) return;
    await this.#run(0, () => api<PlanOut>('/plans/optimize', { method: 'POST', body: JSON.stringify({ date: this.date, teamId: this.teamId }) }));
    this.missing = this.plan === null;
  }

  /** Whether a dispatcher may still change the visit (moved, reordered, locked, cancelled), by its status now. */
  readonly isOpen = (stop: { visitId: number; visitVersion: number; status: VisitStatus }): boolean => OPEN_STATUSES.has(this.statusOf(stop));

  /** A drop from drag and drop: on the visit's own column a reorder, on another a move. */
  drop(visitId: number, collectorId: number, beforeVisitId: number | null): Promise<void> {
    this.dragging = null;
    this.dropTarget = null;
    const placement = this.plan ? placementOf(this.plan, visitId) : null;
    if (!placement) return Promise.resolve();
    if (placement.collectorId !== collectorId) return this.move(visitId, collectorId);
    const route = this.plan!.routes.find((r) => r.collectorId === collectorId)!;
    return this.reorder(visitId, dropIndex(route, this.isOpen, visitId, beforeVisitId));
  }

  #reassign(visitId: number, change: Omit<ReassignRequest, 'teamId'>): Promise<void> {
    const body: ReassignRequest = { teamId: this.teamId ?? undefined, ...change };
    return this.#run(visitId, () => api<PlanOut>(`/plans/${this.date}/reassign`, { method: 'POST', body: JSON.stringify(body) }));
  }

  async #run(visitId: number, request: () => Promise<PlanOut>): Promise<void> {
    if (this.busy !== null) return;
    this.busy = visitId;
    this.notice = null;
    try {
      const plan = await request();
      if (this.teamId !== null && isNewerPlan(this.plan, plan, this.teamId, this.date)) this.#show(plan);
      if (visitId !== 0) this.refocus = visitId;
      // Visits the change took off a route (its re-plan could no longer hold them) are named, not left for the dispatcher to spot.
      this.notice = { kind: 'done', dropped: droppedVisits(plan) };
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      if (err instanceof ApiError && err.status === 409) {
        const why = conflictKind(err.reason);
        const author = why === 'version' ? conflictAuthor(detail) : null;
        this.notice =
          why === 'version'
            ? { kind: 'conflict', by: author?.by ?? null, at: author?.at ?? null, detail }
            : why
              ? { kind: 'outdated', why, detail }
              : { kind: 'error', detail: () => detail };
        // The board was behind: show the day as it is now.
        await this.load();
      } else if (err instanceof ApiError && err.status === 422 && visitId === 0) {
        // Planning the day found every visit done or cancelled.
        this.notice = { kind: 'error', detail: wording('board.nothingToPlan') };
      } else if (err instanceof ApiError && err.status === 422 && isRefusal(err.reason)) {
        // The re-plan could not keep the change (a collector without the skill, a window the order misses): nothing changed.
        this.notice = { kind: 'error', detail: wording(`board.refusal.${err.reason}`) };
      } else {
        this.notice = { kind: 'error', detail: () => detail };
      }
    } finally {
      this.busy = null;
      // The dispatcher now sees what their action on the open card (or on the whole day) left, their change or
      // after a 409 the other one: a next action on that card is decided on it. Other visits keep theirs.
      if (this.#selectedId !== null && (visitId === this.#selectedId || visitId === 0)) this.#decidedOn = this.versionOf(this.#selectedId);
    }
  }

  #show(plan: PlanOut): void {
    this.deltas = routeDeltas(this.plan, plan);
    this.plan = plan;
    this.missing = false;
    this.changed = new Set(plan.changedCollectorIds);
    void this.#loadDayVisits(plan);
  }

  /** Keeps a visit's status if this version is newer than the one known; false when it is not. */
  #remember(v: VisitOut): boolean {
    const seen = this.#live.get(v.id);
    if (seen && v.version <= seen.version) return false;
    this.#live.set(v.id, { version: v.version, status: v.status, updatedMs: Date.parse(v.updatedAt) });
    return true;
  }

  /** Whether the visit, as this version says, is of the team and day on screen. */
  #holds(v: VisitOut): boolean {
    return v.teamId === this.teamId && v.date === this.date;
  }

  /** Keeps `pending` to the visits of the team and day still waiting for a collector. */
  #track(v: VisitOut, held: boolean): void {
    const waiting = held && isWaiting(v);
    if (!waiting && !this.pending.has(v.id)) return;
    const next = new Map(this.pending);
    if (waiting) next.set(v.id, v);
    else next.delete(v.id);
    this.pending = next;
  }

  /**
   * The day's visits as they are now: the plan carries each stop's status when it was made, so a
   * visit done or missed since (before this page opened) showed as open, late and movable. Also
   * the versions and addresses of the visits with no collector, which the plan does not carry.
   */
  async #loadDayVisits(plan: PlanOut): Promise<void> {
    try {
      const { visits } = await api<{ visits: VisitOut[] }>(`/visits?date=${plan.date}&teamId=${plan.teamId}&limit=5000`);
      if (this.plan !== plan) return;
      for (const v of visits) this.#remember(v);
      this.pending = mergeWaiting(visits, this.#liveVisits.values(), plan);
    } catch {
      // The list still shows the unassigned visits; only moving them waits for the next plan.
    }
  }
}
