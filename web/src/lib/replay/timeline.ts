import type { CheckinOut, CheckinOutcome } from '$contract/checkin.ts';
import type { TrackStop } from './stops.ts';
import { indexAt } from './track.ts';

/** Outcome colours: green money, amber a promise, violet another day, grey nobody home, red a refusal. */
export const OUTCOME_COLORS: Record<CheckinOutcome, string> = {
  paid: '#22c55e',
  partial: '#84cc16',
  promise: '#f59e0b',
  rescheduled: '#a78bfa',
  absent: '#94a3b8',
  refused: '#ef4444',
};

export interface StopMark {
  /** Point to seek to. */
  index: number;
  /** Left edge and width along the slider, 0..1. */
  left: number;
  width: number;
  stop: TrackStop;
}

export interface VisitMark {
  index: number;
  left: number;
  checkin: CheckinOut;
}

/**
 * The slider moves by point index, not by time, so marks are placed by the
 * index of the point they fall on: a mark then sits exactly where seeking to it
 * puts the thumb, even on a track with gaps.
 */
const along = (index: number, count: number) => (count > 1 ? index / (count - 1) : 0);

export function stopMarks(stops: readonly TrackStop[], count: number): StopMark[] {
  return stops.map((stop) => ({
    index: stop.startIndex,
    left: along(stop.startIndex, count),
    width: along(stop.endIndex, count) - along(stop.startIndex, count),
    stop,
  }));
}

/** Check-ins placed at the last point reported at or before them, oldest first. */
export function visitMarks(checkins: readonly CheckinOut[], tsMs: readonly number[]): VisitMark[] {
  if (tsMs.length === 0) return [];
  return checkins
    .map((checkin) => ({ checkin, ms: Date.parse(checkin.ts) }))
    .filter((x) => Number.isFinite(x.ms))
    .sort((a, b) => a.ms - b.ms)
    .map(({ checkin, ms }) => {
      const index = indexAt(tsMs, ms);
      return { index, left: along(index, tsMs.length), checkin };
    });
}
