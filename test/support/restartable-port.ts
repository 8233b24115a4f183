import { createServer, type Server } from 'node:net';

// Linux hands out ports for `listen(0)` and outgoing connections from 32768–60999 (ip_local_port_range):
// a port below that range, once freed for a restart, is not given to another test's server meanwhile.
const LOW = 20_000;
const HIGH = 32_000;

function hold(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(null));
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

/**
 * `count` distinct free ports for servers a test stops and starts again on the same port (phones and pages
 * redial the address they know). A port from `listen(0)` would be back in the kernel's pool while they are down.
 */
export async function restartablePorts(count: number): Promise<number[]> {
  const held = new Map<number, Server>();
  try {
    for (let attempt = 0; held.size < count; attempt++) {
      if (attempt === 200) throw new Error(`no ${count} free ports in ${LOW}–${HIGH - 1}`);
      const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
      const srv = held.has(port) ? null : await hold(port);
      if (srv) held.set(port, srv);
    }
    return [...held.keys()];
  } finally {
    await Promise.all([...held.values()].map((srv) => new Promise((r) => srv.close(r))));
  }
}

export async function restartablePort(): Promise<number> {
  const [port] = await restartablePorts(1);
  return port!;
}
