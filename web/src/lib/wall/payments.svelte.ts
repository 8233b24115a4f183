import type { PaymentOut } from '$contract/payment.ts';
import { api } from '../api.ts';
import { live } from '../live.svelte.ts';
import { mergePayments, TICKER_SIZE } from './records.ts';

/** The payment ticker: the latest payments (GET /api/payments), then each live `payment` as it is committed. */
class RecentPayments {
  list = $state.raw<PaymentOut[]>([]);
  #stops: (() => void)[] = [];
  #loadedAt = 0;
  #keep = TICKER_SIZE;

  /** `keep`: how many of the latest to hold; a collector's wall keeps their day's, for the stops of their route. */
  start(keep = TICKER_SIZE): void {
    if (this.#stops.length > 0) return;
    this.#keep = keep;
    this.#stops.push(
      live.on('payment', (p) => (this.list = mergePayments(this.list, [p], this.#keep))),
      // The first snapshot follows this start's own load; later ones are reconnections to catch up on.
      live.onSnapshot(() => {
        if (Date.now() - this.#loadedAt > 5000) void this.load();
      }),
    );
    void this.load();
  }

  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
  }

  async load(): Promise<void> {
    this.#loadedAt = Date.now();
    try {
      const { payments } = await api<{ payments: PaymentOut[] }>(`/payments?limit=${this.#keep}`);
      this.list = mergePayments(this.list, payments, this.#keep);
    } catch {
      // The ticker is a nicety: live payments still arrive; the next reconnection retries.
    }
  }
}

export const recentPayments = new RecentPayments();
