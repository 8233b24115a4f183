import type { PhoneCredentials } from './phone.ts';
import type { TrackerSpec } from './tracker.ts';

/** What `run-fleet.ts FLEET.json` reads: the broker, the report interval and every device it plays. */
export interface FleetFile {
  mqttUrl: string;
  intervalMs: number;
  seed: number;
  /** Phones that report their own positions. */
  phones: PhoneCredentials[];
  /** Trackers, each with the app of its collector's phone. */
  trackers: TrackerSpec[];
}
