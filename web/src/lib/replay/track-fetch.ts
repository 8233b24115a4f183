import type { PositionPage } from '$contract/device.ts';
import type { TrackPoint } from './track.ts';

/** A GET under /api answered with JSON: api.ts's `api`, passed in so the paging is tested without a browser. */
export type GetJson = <T>(path: string) => Promise<T>;

/**
 * Every position of a device in [from, to), oldest first. The server answers a page at a time
 * (100,000 positions at most) and says where the rest starts (`next`): read once, a dense day
 * (a tracker reporting several times a second) ended mid-afternoon with nothing to say so.
 */
export async function fetchTrack(get: GetJson, uniqueId: string, from: string, to: string): Promise<TrackPoint[]> {
  let points: TrackPoint[] = [];
  let start = from;
  for (;;) {
    const page = await get<PositionPage>(`/devices/${encodeURIComponent(uniqueId)}/positions?${new URLSearchParams({ from: start, to })}`);
    // concat, not push(...): a page of 100,000 arguments overflows the call stack.
    points = points.length === 0 ? page.positions : points.concat(page.positions);
    // `next` only moves forward; one that does not (or none, from a server before paging) ends the track.
    if (!page.next || !(Date.parse(page.next) > Date.parse(start))) return points;
    start = page.next;
  }
}
