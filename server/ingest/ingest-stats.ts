/** Counters shown in /api/health; reasons are kept by name so an operator sees why data was refused. */
export class IngestStats {
  received = 0;
  /** Positions added to the database, not those it already held (see duplicates). */
  stored = 0;
  rejected = 0;
  /** Resends (acknowledged, not stored again): caught by the duplicate filter or already held by the database. */
  duplicates = 0;
  readonly rejectedByReason = new Map<string, number>();
  /**
   * Device alarms: received; `opened` as events; `resent` (already stored); `unassigned`, from a device
   * with no collector or a collector with no team (logged, no event: its fix, if any, is stored as a
   * position); `failed` to be stored (not acknowledged, so the device sends it again).
   */
  readonly alarms = { received: 0, opened: 0, resent: 0, unassigned: 0, failed: 0 };

  reject(reason: string): void {
    this.rejected++;
    // Numbers in reasons (speeds, accuracies) would make every message its own bucket.
    const key = reason.replace(/[\d.]+/g, 'N');
    this.rejectedByReason.set(key, (this.rejectedByReason.get(key) ?? 0) + 1);
  }

  toJSON() {
    return {
      received: this.received,
      stored: this.stored,
      rejected: this.rejected,
      duplicates: this.duplicates,
      rejectedByReason: Object.fromEntries(this.rejectedByReason),
      alarms: { ...this.alarms },
    };
  }
}
