import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { createApp } from './app.ts';

/** The root error handler: it codes Fastify's refusals of a request, and leaves every other error to Fastify's default. */
describe('root error handler', () => {
  it('codes a body the schema refuses, and leaves a 4xx of its own kind (a static file\'s 416) with its headers and no invented reason', async () => {
    const app = await createApp({ logger: pino({ level: 'silent' }) });
    app.post('/api/probe', { schema: { body: Type.Object({ n: Type.Number() }) } }, async () => ({ ok: true }));
    // What @fastify/send hands on for a Range past the end of a file.
    app.get('/api/range', async () => {
      throw Object.assign(new Error('Range Not Satisfiable'), { statusCode: 416, headers: { 'content-range': 'bytes */10' } });
    });
    await app.ready();
    const refused = await app.inject({ method: 'POST', url: '/api/probe', payload: { n: 'x' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().reason).toBe('invalid_request');
    const range = await app.inject({ method: 'GET', url: '/api/range' });
    expect(range.statusCode).toBe(416);
    expect(range.headers['content-range']).toBe('bytes */10');
    expect(range.json().reason).toBeUndefined();
    await app.close();
  });
});
