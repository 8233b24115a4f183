import net from 'node:net';
import type { DecodeResult, DeviceMessage, Framer, ProtocolError } from '../../device-protocols/index.ts';

/**
 * A minimal tracker server for the simulators' tests: frames and decodes
 * with the real codecs and answers with their reply bytes. `beforeReply`
 * may drop the connection instead of answering (to test resending).
 */
export interface CodecServer {
  port: number;
  messages: DeviceMessage[];
  errors: ProtocolError[];
  sockets: Set<net.Socket>;
  close(): Promise<void>;
}

export interface CodecServerOptions<S> {
  framer: () => Framer;
  initialState: () => S;
  decode: (frame: Uint8Array, state: S) => DecodeResult<S>;
  /** Return false to close the connection without replying. */
  beforeReply?: (messages: DeviceMessage[], socket: net.Socket) => boolean;
}

export async function startCodecServer<S>(options: CodecServerOptions<S>): Promise<CodecServer> {
  const messages: DeviceMessage[] = [];
  const errors: ProtocolError[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const framer = options.framer();
    let state = options.initialState();
    socket.on('data', (chunk: Buffer) => {
      const out = framer.push(new Uint8Array(chunk));
      errors.push(...out.errors);
      for (const frame of out.frames) {
        const result = options.decode(frame, state);
        state = result.state;
        if (!result.ok) {
          errors.push(result.error);
          continue;
        }
        if (options.beforeReply && !options.beforeReply(result.messages, socket)) {
          socket.destroy();
          return;
        }
        messages.push(...result.messages);
        if (result.reply) socket.write(result.reply);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    messages,
    errors,
    sockets,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
