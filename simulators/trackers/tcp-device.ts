import net from 'node:net';

export interface TcpDeviceOptions {
  host: string;
  port: number;
  imei: string;
  /** Reconnect after the server drops the connection (as real units do); default true. */
  reconnect?: boolean;
  reconnectDelayMs?: number;
}

interface Pending {
  /** null: the protocol never acknowledges this frame; it is done once written. */
  key: string | null;
  frame: Uint8Array;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The socket side every TCP tracker simulator shares: connect and run the
 * protocol's handshake, keep every report that is not yet acknowledged, and
 * after a reconnect send them again in order before anything new — the
 * store-and-forward behaviour of real units (SPEC §1, "keep reporting
 * through bad coverage").
 */
export abstract class TcpDevice {
  protected readonly options: Required<TcpDeviceOptions>;
  protected socket: net.Socket | null = null;
  #pending: Pending[] = [];
  #ready = false;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #handshake: { resolve: () => void; reject: (error: Error) => void } | null = null;

  constructor(options: TcpDeviceOptions) {
    this.options = { reconnect: true, reconnectDelayMs: 200, ...options };
  }

  /** Reports written but not yet acknowledged by the server. */
  get unacknowledged(): number {
    return this.#pending.length;
  }

  get connected(): boolean {
    return this.#ready;
  }

  /** Opens the connection and resolves once the server accepted the handshake. */
  connect(): Promise<void> {
    this.#closed = false;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.options.host, port: this.options.port });
      this.socket = socket;
      this.resetStream();
      this.#handshake = {
        resolve: () => {
          this.#handshake = null;
          this.#ready = true;
          for (const p of [...this.#pending]) this.#write(p);
          resolve();
        },
        reject: (error) => {
          this.#handshake = null;
          socket.destroy();
          reject(error);
        },
      };
      socket.on('connect', () => {
        const hello = this.handshakeFrame();
        if (hello) socket.write(hello);
        else this.#handshake?.resolve();
      });
      socket.on('data', (chunk: Buffer) => this.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
      socket.on('error', (error) => this.#handshake?.reject(error));
      socket.on('close', () => {
        this.#ready = false;
        this.#handshake?.reject(new Error('connection closed during handshake'));
        if (this.socket === socket) this.socket = null;
        if (!this.#closed && this.options.reconnect) this.#scheduleReconnect();
      });
    });
  }

  /** Closes for good: no reconnect, and unacknowledged reports are rejected. */
  close(): void {
    this.#closed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.socket?.destroy();
    this.socket = null;
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) p.reject(new Error('device closed before the server acknowledged'));
  }

  #scheduleReconnect(): void {
    if (this.#reconnectTimer) return;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (!this.#closed) this.connect().catch(() => this.#scheduleReconnect());
    }, this.options.reconnectDelayMs);
  }

  /**
   * Queues a report; sent now when connected, else after the next handshake.
   * With a `key` it stays queued (and is resent after a reconnect) until
   * `acknowledge(key)`; without one it is done once the socket has written it.
   */
  protected send(key: string | null, frame: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const p = { key, frame, resolve, reject };
      this.#pending.push(p);
      if (this.#ready) this.#write(p);
    });
  }

  #write(p: Pending): void {
    const socket = this.socket;
    if (!socket) return;
    if (p.key !== null) {
      socket.write(p.frame);
      return;
    }
    socket.write(p.frame, (error) => {
      if (error) return; // still queued: written again after the reconnect
      const i = this.#pending.indexOf(p);
      if (i >= 0) this.#pending.splice(i, 1);
      p.resolve();
    });
  }

  protected acknowledge(key: string): boolean {
    const i = this.#pending.findIndex((p) => p.key === key);
    if (i < 0) return false;
    const [p] = this.#pending.splice(i, 1);
    p.resolve();
    return true;
  }

  /** The oldest unacknowledged key, for protocols whose ACK does not name the report (Teltonika). */
  protected oldestPendingKey(): string | undefined {
    return this.#pending.find((p) => p.key !== null)?.key ?? undefined;
  }

  protected handshakeAccepted(): void {
    this.#handshake?.resolve();
  }

  protected handshakeRejected(reason: string): void {
    this.#closed = true;
    this.#handshake?.reject(new Error(reason));
  }

  protected write(frame: Uint8Array): void {
    this.socket?.write(frame);
  }

  /** The frame that identifies the device (GT06 login, Teltonika IMEI); null when every frame names it (H02). */
  protected abstract handshakeFrame(): Uint8Array | null;
  /** A new connection starts a new byte stream: drop partial frames. */
  protected abstract resetStream(): void;
  protected abstract onData(chunk: Uint8Array): void;
}
