import type { Logger } from 'pino';
import type { ProtocolError, ProtocolErrorCode } from '../../../device-protocols/index.ts';

/**
 * Protocol errors logged one line each per peer; past these, errors are counted per code and summed
 * up in one line at most once a minute and when the peer goes. A peer sending garbage made one line
 * per error before: 1 MB of `*#` on the H02 port was 524,290 lines (130 MB) in 8 s.
 */
const ERRORS_LOGGED_ONE_BY_ONE = 5;
const ERROR_SUMMARY_INTERVAL_MS = 60_000;

/** The protocol errors of one peer (a TCP connection, a UDP address), and how many of them are logged. */
export class ProtocolErrorLog {
  /** Errors of this peer so far. */
  count = 0;
  /** Errors past ERRORS_LOGGED_ONE_BY_ONE not logged yet, per code. */
  private unlogged: Partial<Record<ProtocolErrorCode, number>> = {};
  private unloggedCount = 0;
  private lastLineAt = 0;

  /** `log`: bound to the peer's address. */
  constructor(private readonly log: Logger) {}

  /** Counts the error and logs it while they are few, or when `always` (the peer is being closed for it). */
  note(error: ProtocolError, fields: Record<string, unknown>, always = false): void {
    this.count++;
    if (this.count <= ERRORS_LOGGED_ONE_BY_ONE || always) {
      this.log.warn({ ...fields, code: error.code, detail: error.detail }, 'protocol error');
      this.lastLineAt = Date.now();
      return;
    }
    this.unlogged[error.code] = (this.unlogged[error.code] ?? 0) + 1;
    this.unloggedCount++;
    if (Date.now() - this.lastLineAt >= ERROR_SUMMARY_INTERVAL_MS) this.summarise(fields);
  }

  /** One line for the errors not logged one by one since the last such line. */
  summarise(fields: Record<string, unknown>): void {
    if (this.unloggedCount === 0) return;
    this.log.warn({ ...fields, errors: this.unloggedCount, codes: this.unlogged, errorsOnConnection: this.count }, 'protocol errors not logged one by one');
    this.unlogged = {};
    this.unloggedCount = 0;
    this.lastLineAt = Date.now();
  }
}
