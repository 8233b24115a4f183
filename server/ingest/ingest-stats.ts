/** Counters shown in /api/health; reasons are kept by name so an operator sees why data was refused. */
export class IngestStats {
  received = 0;
  stored = 0;
  rejected = 0;
  duplicates = 0;
  readonly rejectedByReason = new Map<string, number>();

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
    };
  }
}
