import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeOsmAnd, type DeviceMessage, type Position } from '../../device-protocols/index.ts';
import { OsmAndDevice } from './osmand-device.ts';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** An OsmAnd listener stand-in: decodes with the codec; answers 503 to the first `failFirst` requests. */
async function start(failFirst: number): Promise<{ url: string; messages: DeviceMessage[]; requests: () => number }> {
  const messages: DeviceMessage[] = [];
  let requests = 0;
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      if (requests <= failFirst) return res.writeHead(503).end();
      const url = new URL(req.url ?? '/', 'http://x');
      const r = decodeOsmAnd({ method: req.method ?? 'GET', query: url.search, body: new Uint8Array(Buffer.concat(chunks)), contentType: req.headers['content-type'] });
      if (!r.ok) return res.writeHead(400).end(r.error.detail);
      messages.push(...r.messages);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, messages, requests: () => requests };
}

const fix = { time: new Date('2025-06-01T12:00:05Z'), lat: 20.6597, lon: -103.3496, speedKph: 36, courseDeg: 12, altitudeM: 1566, batteryPct: 55 };

describe('OsmAndDevice', () => {
  for (const format of ['query', 'json'] as const) {
    it(`posts the ${format} form and retries through server errors, keeping order`, async () => {
      const s = await start(2);
      const device = new OsmAndDevice({ url: s.url, uniqueId: 'phone-7', format, retryMs: 20 });
      await Promise.all([device.sendPosition(fix), device.sendPosition({ ...fix, time: new Date('2025-06-01T12:00:15Z') })]);
      expect(s.requests()).toBe(4);
      const positions = s.messages as Position[];
      expect(positions.map((p) => [p.uniqueId, p.fixTime.toISOString(), p.lat, p.lon, p.courseDeg, p.altitudeM, p.batteryPct])).toEqual([
        ['phone-7', '2025-06-01T12:00:05.000Z', 20.6597, -103.3496, 12, 1566, 55],
        ['phone-7', '2025-06-01T12:00:15.000Z', 20.6597, -103.3496, 12, 1566, 55],
      ]);
      expect(positions[0].speedKph).toBeCloseTo(36, 9);
      expect(device.unacknowledged).toBe(0);
    });
  }
});
