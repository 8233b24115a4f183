import type { PositionPage } from '$contract/device.ts';
import type { TrackPoint } from './track.ts';

/** A GET under /api answered with JSON: api.ts's `api`, passed in so the paging is tested without a browser. */
export type GetJson = <T>(path: string) => Promise<T>;

/**
 * Every position of a device in [from, to), oldest first, only those it sent while `collectorId` carried it
 * when given (a device that changed hands that day has two people's trails). The server answers a page at a
 * time (100,000 positions at most) and says where the rest starts (`next`): read once, a dense day (a tracker
 * reporting several times a second) ended mid-afternoon with nothing to say so.
 */
export async function fetchTrack(get: GetJson, uniqueId: string, from: string, to: string, collectorId?: number): Promise<TrackPoint[]> {
  let points: TrackPoint[] = [];
  let start = from;
  const whose: Record<string, string> = collectorId === undefined ? {} : { collectorId: String(collectorId) };
  for (;;) {
    const page = await get<PositionPage>(`/devices/${encodeURIComponent(uniqueId)}/positions?${new URLSearchParams({ from: start, to, ...whose })}`);
    // concat, not push(...): a page of 100,000 arguments overflows the call stack.
    points = points.length === 0 ? page.positions : points.concat(page.positions);
    // `next` only moves forward; one that does not (or none, from a server before paging) ends the track.
    if (!page.next || !(Date.parse(page.next) > Date.parse(start))) return points;
    start = page.next;
  }
}
