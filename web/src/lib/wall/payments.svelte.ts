import type { PaymentOut } from '$contract/payment.ts';
import { api } from '../api.ts';
import { live } from '../live.svelte.ts';
import { mergePayments, TICKER_SIZE } from './records.ts';

/** The payment ticker: the latest payments (GET /api/payments), then each live `payment` as it is committed. */
class RecentPayments {
  list = $state.raw<PaymentOut[]>([]);
  #stops: (() => void)[] = [];

  start(): void {
    if (this.#stops.length > 0) return;
    this.#stops.push(
      live.on('payment', (p) => (this.list = mergePayments(this.list, [p]))),
      live.onSnapshot(() => void this.load()),
    );
  }

  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
  }

  async load(): Promise<void> {
    try {
      const { payments } = await api<{ payments: PaymentOut[] }>(`/payments?limit=${TICKER_SIZE}`);
      this.list = mergePayments(this.list, payments);
    } catch {
      // The ticker is a nicety: live payments still arrive; the next reconnection retries.
    }
  }
}

export const recentPayments = new RecentPayments();
