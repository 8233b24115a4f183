import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from 'pino';
import { createWebSocketStream } from 'ws';
import { REQUEST_REFUSALS } from '../contract/refusal.ts';
import { refusesRows } from '../db/sqlstate.ts';
import { MQTT_FIXED_HEADER_MAX, MQTT_MAX_PACKET_BYTES } from '../ingest/mqtt-broker.ts';
import { OperationError, errorBody, refusal } from '../operations/errors.ts';
import { boundRequestIntegers } from './bounded-integers.ts';
import { refuseUndeclaredBodyFields } from './closed-body.ts';
import { refuseUndeclaredQuery } from './closed-query.ts';
import { documentSharedRefusals } from './openapi-refusals.ts';
import { requestValidatorCompiler } from './validation.ts';

/**
 * The dashboard's static build. RONDA_WEB_BUILD_DIR points elsewhere: benches and tests
 * that must not see a rebuild of web/build mid-run serve a copy taken at their start.
 */
export const WEB_BUILD_DIR = process.env.RONDA_WEB_BUILD_DIR ?? fileURLToPath(new URL('../../web/build/', import.meta.url));

export interface AppOptions {
  logger: Logger;
  /** Hands a WebSocket connection at /mqtt to the broker (SPEC §5). */
  mqttOverWebSocket?: (stream: NodeJS.ReadWriteStream & import('node:stream').Duplex, remoteAddress: string | undefined) => void;
}

/** The Fastify instance with docs, websockets and the dashboard; routes are registered by the caller, by name. */
export type App = FastifyInstance<import("node:http").Server, import("node:http").IncomingMessage, import("node:http").ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** Fastify's own 4xx (its error codes) that are more than a request its schema refuses (`invalid_request`). */
const FASTIFY_REASONS: Record<string, keyof typeof REQUEST_REFUSALS> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
};

export async function createApp(opts: AppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: 20 * 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(requestValidatorCompiler());
  // In this order: the refusals documented are those of the query string the route ends up with.
  app.addHook('onRoute', refuseUndeclaredQuery);
  app.addHook('onRoute', refuseUndeclaredBodyFields);
  app.addHook('onRoute', boundRequestIntegers);
  app.addHook('onRoute', documentSharedRefusals);

  // A value the database refuses (out of range, a NUL character, an impossible date…) or a
  // conflict with stored data is the request's fault: say so, not 500. Every route's errors come
  // here, a service's refusal (OperationError) and Fastify's own (a body its schema refuses, JSON
  // that does not parse, a body too large) among them: each gets a code.
  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    if (err instanceof OperationError) return reply.code(err.statusCode).send(errorBody(err));
    if (refusesRows(err)) {
      const conflict = err.code!.startsWith('23');
      req.log.info({ err: err.message, code: err.code }, 'request refused by the database');
      const refused = conflict
        ? refusal(REQUEST_REFUSALS, 'conflicts_with_stored', `conflicts with what is stored: ${err.message}`, {})
        : refusal(REQUEST_REFUSALS, 'invalid_value', `invalid value: ${err.message}`, {});
      return reply.code(refused.statusCode).send(errorBody(refused));
    }
    const status = err.statusCode ?? 500;
    // Only Fastify's own refusals of a request (schema, JSON, body) are coded here; anything else
    // (a 5xx, @fastify/static's 403/412/416 with their headers) keeps Fastify's default handling.
    const fastifyRefusal = status >= 400 && status < 500 && ('validation' in err || err.code?.startsWith('FST_ERR_'));
    if (!fastifyRefusal) return reply.send(err);
    req.log.info({ err: err.message, code: err.code }, 'request refused');
    return reply.code(status).send(errorBody({ statusCode: status, message: err.message, reason: FASTIFY_REASONS[err.code ?? ''] ?? 'invalid_request' }));
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Ronda API', version: '0.1.0', description: 'Field debt-collection command center (SPEC §6)' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  // socket.io answers its own upgrades at /live; only /mqtt upgrades go through Fastify's router.
  const mqttUpgrades = new EventEmitter();
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (req.url?.startsWith('/mqtt')) mqttUpgrades.emit('upgrade', req, socket, head);
  });
  // A WebSocket message is one MQTT packet (or part of one): ws would otherwise hold up to 100 MB of it before the broker's own limit sees its header.
  await app.register(fastifyWebsocket, { options: { server: mqttUpgrades as never, maxPayload: MQTT_MAX_PACKET_BYTES + MQTT_FIXED_HEADER_MAX } });

  if (opts.mqttOverWebSocket) {
    const handle = opts.mqttOverWebSocket;
    app.get('/mqtt', { websocket: true, schema: { hide: true } }, (socket, req) => handle(createWebSocketStream(socket) as never, req.socket.remoteAddress));
  }

  const noRoute = (method: string, url: string) => errorBody(refusal(REQUEST_REFUSALS, 'no_route', `no route ${method} ${url.split('?')[0]}`, {}));
  if (existsSync(WEB_BUILD_DIR)) {
    // preCompressed: the build's .br/.gz siblings (web/svelte.config.js `precompress`).
    await app.register(fastifyStatic, { root: WEB_BUILD_DIR, wildcard: false, preCompressed: true });
    // The dashboard is a single-page app: unknown non-API paths get its shell. Not a missing build file: a page
    // opened before a new build asks for the old one's chunks, and the shell in their place fails as a script.
    app.setNotFoundHandler((req, reply) => {
      if (req.url.startsWith('/api/') || req.url.startsWith('/_app/') || req.method !== 'GET') return reply.code(404).send(noRoute(req.method, req.url));
      return reply.sendFile('index.html');
    });
  } else app.setNotFoundHandler((req, reply) => reply.code(404).send(noRoute(req.method, req.url)));
  return app;
}
