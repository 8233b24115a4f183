import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.ts';

/** A bound listener as /api/health reports it. */
export interface ListenerStatus {
  name: string;
  transport: 'tcp' | 'udp' | 'http' | 'ws';
  port: number;
  connections?: number;
  counters?: Record<string, number>;
}

/** SPEC §8: the embedded broker (its state in memory or shared through Redis) or an external one. */
const BrokerStatus = Type.Union([
  Type.Object({ mode: Type.Literal('embedded'), shared: Type.Union([Type.Literal('memory'), Type.Literal('redis')]), connectedClients: Type.Integer(), heldPublishes: Type.Integer() }),
  Type.Object({
    mode: Type.Literal('external'),
    url: Type.String(),
    sessions: Type.Array(Type.Object({ clientId: Type.String(), connected: Type.Boolean() })),
    retrying: Type.Integer(),
  }),
]);
export type BrokerStatus = Static<typeof BrokerStatus>;

interface Deps {
  db: Kysely<Database>;
  dbKind: string;
  listeners(): ListenerStatus[];
  broker(): BrokerStatus;
  ingest(): unknown;
  live(): { clients: number; adapter: 'memory' | 'redis' };
  eventLoop(): { maxMs: number; p99Ms: number; meanMs: number };
}

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Object({ kind: Type.String(), ok: Type.Boolean(), latencyMs: Type.Number(), error: Type.Optional(Type.String()) }),
  broker: BrokerStatus,
  listeners: Type.Array(
    Type.Object({
      name: Type.String(),
      transport: Type.String(),
      port: Type.Integer(),
      connections: Type.Optional(Type.Integer()),
      counters: Type.Optional(Type.Record(Type.String(), Type.Number())),
    }),
  ),
  ingest: Type.Unknown(),
  live: Type.Object({ clients: Type.Integer(), adapter: Type.Union([Type.Literal('memory'), Type.Literal('redis')]) }),
  eventLoop: Type.Object({ maxMs: Type.Number(), p99Ms: Type.Number(), meanMs: Type.Number() }),
  memory: Type.Object({ rssMb: Type.Number(), heapUsedMb: Type.Number() }),
});

/**
 * Any query string, ignored: probes and uptime monitors may add a cache-busting `?_=…`, and a 400
 * would take a healthy instance out of rotation; no parameter here could be misread (closed-query.ts).
 */
const AnyQuery = Type.Object({}, { additionalProperties: true });

export const healthRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  app.get('/api/health', { schema: { tags: ['health'], querystring: AnyQuery, response: { 200: Health, 503: Health } } }, async (_req, reply) => {
    const t = performance.now();
    let error: string | undefined;
    try {
      await sql`select 1`.execute(deps.db);
    } catch (err) {
      error = (err as Error).message;
    }
    const broker = deps.broker();
    // Without a session at the external broker no device data comes in, though the API still answers.
    const brokerDown = broker.mode === 'external' && !broker.sessions.some((s) => s.connected);
    const body = {
      status: error || brokerDown ? ('degraded' as const) : ('ok' as const),
      database: { kind: deps.dbKind, ok: !error, latencyMs: Math.round((performance.now() - t) * 10) / 10, error },
      broker,
      listeners: deps.listeners(),
      ingest: deps.ingest(),
      live: deps.live(),
      eventLoop: deps.eventLoop(),
      memory: { rssMb: Math.round(process.memoryUsage.rss() / 1048576), heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1048576) },
    };
    return reply.code(error ? 503 : 200).send(body);
  });
};
