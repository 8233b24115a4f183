/** What a simulated tracker reports; each device maps it onto its protocol's encoder. */
export interface TrackerFix {
  time: Date;
  lat: number;
  lon: number;
  speedKph: number;
  courseDeg: number;
  altitudeM?: number;
  satellites?: number;
  /** Defaults to true. */
  valid?: boolean;
  batteryPct?: number;
  ignition?: boolean;
}
