import type { Server } from 'node:net';

/** Binds a server; a taken port becomes an error naming the setting to change (SPEC §4). */
export function listenTcp(server: Server, port: number, host: string, variable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(new Error(err.code === 'EADDRINUSE' ? `${variable}=${port}: port already in use; set ${variable} to a free port (0 = any)` : `${variable}=${port}: ${err.message}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
