import net from 'node:net';

/**
 * A bare TCP client for listener tests: writes exact bytes (whole, or one
 * byte per write to exercise the framer), collects every byte the server
 * sends, and tells when the server closed. Simulated devices hide the bytes
 * on purpose; these tests assert them.
 */
export class RawTcp {
  private received = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;
  private isClosed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.wake();
        resolve();
      }),
    );
  }

  static connect(port: number): Promise<RawTcp> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawTcp(socket)));
      socket.once('error', reject);
    });
  }

  write(...frames: Uint8Array[]): void {
    for (const f of frames) this.socket.write(f);
  }

  /** One write per byte, each after the previous one left, so the server sees the frame in 1-byte chunks. */
  async writeBytewise(frame: Uint8Array): Promise<void> {
    for (const b of frame) {
      await new Promise<void>((resolve) => this.socket.write(Uint8Array.of(b), () => resolve()));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Resolves with the first `n` bytes not yet taken, or rejects if the server closes before sending them. */
  async take(n: number): Promise<Uint8Array> {
    while (this.received.length < n) {
      if (this.isClosed) throw new Error(`connection closed after ${this.received.length} of ${n} bytes`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const out = Uint8Array.from(this.received.subarray(0, n));
    this.received = this.received.subarray(n);
    return out;
  }

  /** Every byte received and not taken yet. */
  rest(): Uint8Array {
    return Uint8Array.from(this.received);
  }

  end(): Promise<void> {
    this.socket.end();
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
