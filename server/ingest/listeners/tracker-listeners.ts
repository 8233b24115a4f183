import type { Logger } from 'pino';
import type { ListenerStatus } from '../../api/health.routes.ts';
import { listenTcp } from '../../lib/listen.ts';
import type { IngestPort } from '../ingest-port.ts';
import { liveStatus } from './listener-counters.ts';
import { createOsmAndListener } from './osmand-http-listener.ts';
import { createTcpListener, type TcpListener } from './tcp-listener.ts';
import { createTeltonikaUdpListener } from './teltonika-udp-listener.ts';
import { gt06Spec, h02Spec, teltonikaSpec } from './tracker-protocols.ts';

export interface TrackerPorts {
  GT06_PORT: number;
  TELTONIKA_PORT: number;
  H02_PORT: number;
  OSMAND_PORT: number;
  HOST: string;
}

export interface TrackerListenerOptions {
  /** Trackers heartbeat every few minutes; a connection silent for longer is dead (default 10 min). */
  idleTimeoutMs?: number;
  /** Frames per connection decoded but not yet committed before the socket stops reading. */
  maxPendingFrames?: number;
}

export interface TrackerListeners {
  /** Live entries for /api/health (SPEC §6): bound port, open connections, counters. */
  statuses: ListenerStatus[];
  ports: { gt06: number; teltonika: number; h02: number; osmand: number };
  close(): Promise<void>;
}

/** Every tracker listener of SPEC §5, bound to the ports of SPEC §4 (Traccar's defaults); UDP shares Teltonika's number. */
export async function startTrackerListeners(cfg: TrackerPorts, ingest: IngestPort, log: Logger, options: TrackerListenerOptions = {}): Promise<TrackerListeners> {
  const opts = { idleTimeoutMs: options.idleTimeoutMs ?? 600_000, maxPendingFrames: options.maxPendingFrames ?? 32 };
  const gt06 = createTcpListener(gt06Spec, ingest, log.child({ protocol: 'gt06' }), opts);
  const teltonika = createTcpListener(teltonikaSpec, ingest, log.child({ protocol: 'teltonika' }), opts);
  const teltonikaUdp = createTeltonikaUdpListener(ingest, log.child({ protocol: 'teltonika', transport: 'udp' }), opts);
  const h02 = createTcpListener(h02Spec, ingest, log.child({ protocol: 'h02' }), opts);
  const osmand = createOsmAndListener(ingest, log.child({ protocol: 'osmand' }));
  const tcp: TcpListener[] = [gt06, teltonika, h02];
  const closeAll = async () => {
    await Promise.all([...tcp.map((l) => l.close()), teltonikaUdp.close(), osmand.close()]);
  };

  try {
    const ports = {
      gt06: await listenTcp(gt06.server, cfg.GT06_PORT, cfg.HOST, 'GT06_PORT'),
      teltonika: await listenTcp(teltonika.server, cfg.TELTONIKA_PORT, cfg.HOST, 'TELTONIKA_PORT'),
      h02: await listenTcp(h02.server, cfg.H02_PORT, cfg.HOST, 'H02_PORT'),
      osmand: await listenTcp(osmand.server, cfg.OSMAND_PORT, cfg.HOST, 'OSMAND_PORT'),
    };
    // Port 0 lets TCP pick; UDP then takes the same number so a device configured with one port reaches both.
    const udpPort = await teltonikaUdp.listen(ports.teltonika, cfg.HOST);
    return {
      statuses: [
        liveStatus('gt06', 'tcp', ports.gt06, gt06.counters, gt06.connections),
        liveStatus('teltonika', 'tcp', ports.teltonika, teltonika.counters, teltonika.connections),
        liveStatus('teltonika', 'udp', udpPort, teltonikaUdp.counters, teltonikaUdp.peers),
        liveStatus('h02', 'tcp', ports.h02, h02.counters, h02.connections),
        liveStatus('osmand', 'http', ports.osmand, osmand.counters, osmand.connections),
      ],
      ports,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
