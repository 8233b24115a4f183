import { encodeOsmAndJson, encodeOsmAndQuery } from '../../device-protocols/index.ts';
import type { TrackerFix } from './tracker-fix.ts';

export interface OsmAndDeviceOptions {
  /** The OsmAnd listener, e.g. http://127.0.0.1:5055/ */
  url: string;
  uniqueId: string;
  /** 'query': the classic parameters; 'json': the current Traccar Client body. */
  format?: 'query' | 'json';
  retryMs?: number;
}

interface Queued {
  fix: TrackerFix;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The Traccar Client app: one HTTP POST per report, delivered when the
 * server answers 2xx. Reports that fail for network or server (5xx) reasons
 * stay queued in order and are retried, like the app's offline buffer; a
 * 4xx refusal rejects the report.
 */
export class OsmAndDevice {
  readonly #options: Required<OsmAndDeviceOptions>;
  readonly #queue: Queued[] = [];
  #pumping = false;
  #closed = false;

  constructor(options: OsmAndDeviceOptions) {
    this.#options = { format: 'query', retryMs: 500, ...options };
  }

  get unacknowledged(): number {
    return this.#queue.length;
  }

  sendPosition(fix: TrackerFix): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ fix, resolve, reject });
      void this.#pump();
    });
  }

  close(): void {
    this.#closed = true;
    for (const q of this.#queue.splice(0)) q.reject(new Error('device closed before the server acknowledged'));
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    while (this.#queue.length && !this.#closed) {
      const head = this.#queue[0];
      const status = await this.#post(head.fix);
      if (status >= 200 && status < 300) {
        this.#queue.shift();
        head.resolve();
      } else if (status >= 400 && status < 500) {
        // Refused (unknown device, bad report): resending the same request cannot succeed.
        this.#queue.shift();
        head.reject(new Error(`server refused the report: HTTP ${status}`));
      } else {
        await new Promise((r) => setTimeout(r, this.#options.retryMs));
      }
    }
    this.#pumping = false;
  }

  /** The HTTP status, or 0 when the request did not complete. */
  async #post(fix: TrackerFix): Promise<number> {
    const { url, uniqueId, format } = this.#options;
    const report = { time: fix.time, lat: fix.lat, lon: fix.lon, speedKph: fix.speedKph, courseDeg: fix.courseDeg, altitudeM: fix.altitudeM, batteryPct: fix.batteryPct };
    try {
      const response =
        format === 'json'
          ? await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: encodeOsmAndJson(uniqueId, [report]) })
          : await fetch(`${url}?${encodeOsmAndQuery(uniqueId, report)}`, { method: 'POST' });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }
}
