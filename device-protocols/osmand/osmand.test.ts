import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alarm, Position } from '../messages.ts';
import { assertSanePosition } from '../shared/fuzz-harness.ts';
import { decodeOsmAnd, parseTimestamp } from './osmand-decoder.ts';
import { encodeOsmAndJson, encodeOsmAndQuery } from './osmand-encoder.ts';

function ok(result: ReturnType<typeof decodeOsmAnd>) {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.detail}`);
  return result.messages;
}

describe('OsmAnd query form (Traccar "OsmAnd protocol" page parameters)', () => {
  it('GET with the classic Traccar Client parameters', () => {
    const [p] = ok(
      decodeOsmAnd({
        method: 'GET',
        query: '?id=123456&timestamp=1700000000&lat=19.4326&lon=-99.1332&speed=10&bearing=45.5&altitude=2240&accuracy=12&batt=87&charge=true&hdop=0.9&driverUniqueId=C-7',
      }),
    );
    expect(p).toEqual({
      kind: 'position',
      uniqueId: '123456',
      fixTime: new Date('2023-11-14T22:13:20.000Z'),
      lat: 19.4326,
      lon: -99.1332,
      valid: true,
      speedKph: 18.52,
      courseDeg: 45.5,
      altitudeM: 2240,
      accuracyM: 12,
      batteryPct: 87,
      attributes: { hdop: 0.9, driverUniqueId: 'C-7', charging: true },
    });
  });

  it('POST form body, deviceid, location=lat,lon, heading, ms timestamp, valid=false', () => {
    const [p] = ok(
      decodeOsmAnd({
        method: 'POST',
        query: '',
        contentType: 'application/x-www-form-urlencoded',
        body: 'deviceid=abc&location=-12.05,-77.04&timestamp=1700000000123&heading=270&valid=false',
      }),
    ) as Position[];
    expect([p.uniqueId, p.lat, p.lon, p.courseDeg, p.valid, p.fixTime.toISOString()]).toEqual(['abc', -12.05, -77.04, 270, false, '2023-11-14T22:13:20.123Z']);
  });

  it('an alarm parameter turns the report into an alarm', () => {
    const [a] = ok(decodeOsmAnd({ method: 'GET', query: 'id=9&lat=1&lon=2&timestamp=2024-05-01T10:00:00Z&alarm=sos' })) as Alarm[];
    expect([a.kind, a.alarm, a.position?.fixTime.toISOString()]).toEqual(['alarm', 'sos', '2024-05-01T10:00:00.000Z']);
  });

  it('keeps 32 extra parameters of up to 256 characters as attributes, and counts the rest it leaves out', () => {
    const extras = Array.from({ length: 40 }, (_, i) => `x${i}=${i}`).join('&');
    const [p] = ok(decodeOsmAnd({ method: 'GET', query: `id=1&lat=1&lon=2&timestamp=1&note=${'a'.repeat(300)}&${extras}` })) as Position[];
    expect(Object.keys(p.attributes)).toHaveLength(33);
    expect(p.attributes.x31).toBe(31);
    expect(p.attributes.x32).toBeUndefined();
    expect(p.attributes.droppedParameters).toBe(9);
  });

  it('a missing timestamp uses the time the listener received the request', () => {
    const [p] = ok(decodeOsmAnd({ method: 'GET', query: 'id=9&lat=1&lon=2', receivedAt: new Date('2024-01-01T00:00:00Z') })) as Position[];
    expect(p.fixTime.toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });

  /** Why the request's fix could not be read: an error when it names no device, else its device and the fix's reason. */
  const unread = (r: ReturnType<typeof decodeOsmAnd>) =>
    r.ok ? { messages: r.messages, reasons: r.rejected?.map((x) => x.reason) } : `${r.error.code}: ${r.error.detail}`;

  it('clear errors: a request naming no device is malformed; a named device gets its login and why its fix is unread', () => {
    const code = (q: string) => unread(decodeOsmAnd({ method: 'GET', query: q }));
    const login = (reason: string) => ({ messages: [{ kind: 'login', uniqueId: '1' }], reasons: [reason] });
    expect(code('lat=1&lon=2&timestamp=1')).toBe('malformed: missing id');
    expect(code('id=1&lat=x&lon=2&timestamp=1')).toEqual(login('missing lat/lon'));
    expect(code('id=1&lat=91&lon=2&timestamp=1')).toEqual(login('coordinates out of range'));
    expect(code('id=1&lat=1&lon=2')).toEqual(login('missing timestamp'));
    expect(code('id=1&lat=1&lon=2&timestamp=yesterday')).toEqual(login('timestamp yesterday'));
    // An empty half of location= is no coordinate, not 0.
    expect(code('id=1&location=19.43,&timestamp=1')).toEqual(login('missing lat/lon'));
    expect(code('id=1&location=,-99.13&timestamp=1')).toEqual(login('missing lat/lon'));
    expect(code('id=1&location=19.43,-99.13,5&timestamp=1')).toEqual(login('missing lat/lon'));
  });

  it('timestamps: epoch s, epoch ms, ISO, and "yyyy-MM-dd HH:mm:ss" as UTC', () => {
    expect(parseTimestamp('1700000000')?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(parseTimestamp('1700000000500')?.toISOString()).toBe('2023-11-14T22:13:20.500Z');
    expect(parseTimestamp('2024-05-01T10:00:00-06:00')?.toISOString()).toBe('2024-05-01T16:00:00.000Z');
    expect(parseTimestamp('2024-05-01 10:00:00')?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(parseTimestamp('99999999999999999999')).toBeNull();
  });

  it('timestamps: ISO-8601 variants Traccar reads (offsets, no seconds, a fraction past milliseconds)', () => {
    expect(parseTimestamp('2025-02-03T15:04:05.678Z')?.toISOString()).toBe('2025-02-03T15:04:05.678Z');
    expect(parseTimestamp('2024-05-01T10:00:00.123456+05:30')?.toISOString()).toBe('2024-05-01T04:30:00.123Z');
    expect(parseTimestamp('2024-05-01T10:00+01:00')?.toISOString()).toBe('2024-05-01T09:00:00.000Z');
    expect(parseTimestamp('2024-05-01T10:00:00-06')?.toISOString()).toBe('2024-05-01T16:00:00.000Z');
    expect(parseTimestamp('2024-02-29 23:59:59')?.toISOString()).toBe('2024-02-29T23:59:59.000Z');
  });

  it('an ISO time without a zone is UTC whatever the server\'s zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/Mexico_City';
    try {
      expect(parseTimestamp('2024-05-01T10:00:00')?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
      expect(parseTimestamp('2024-05-01T10:00:00.250')?.toISOString()).toBe('2024-05-01T10:00:00.250Z');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('refuses what no client sends instead of letting Date.parse guess (it read "foo 12" as 2001-12-01)', () => {
    for (const text of ['foo 12', '-5', 'Nov 30', 'yesterday', '', '1700000000.5', '1e9', '2024-05-01T10:00:00+0100', '2024-05-01', '2024-5-1 10:00:00', 'Wed, 01 May 2024 10:00:00 GMT']) {
      expect(parseTimestamp(text), text).toBeNull();
    }
    const r = decodeOsmAnd({ method: 'GET', query: 'id=1&lat=1&lon=2&timestamp=foo%2012' });
    expect(r.ok && r.rejected).toEqual([{ index: 0, reason: 'timestamp foo 12' }]);
  });

  it('refuses dates no calendar has (31 Feb, 29 Feb 2026, 31 Apr, 24:00, second 60, offset +25:00)', () => {
    for (const text of ['2026-02-31T10:00:00Z', '2026-02-29 10:00:00', '2026-04-31T10:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T10:00:60Z', '2024-05-01T10:00:00+25:00', '2024-05-01T10:00:00+05:60']) {
      expect(parseTimestamp(text), text).toBeNull();
    }
    const r = decodeOsmAnd({ method: 'POST', query: '', contentType: 'application/json', body: '{"device_id":"a","location":{"timestamp":"2026-02-31T10:00:00Z","coords":{"latitude":1,"longitude":2}}}' });
    expect(r.ok && r.rejected).toEqual([{ index: 0, reason: 'missing or invalid timestamp' }]);
  });
});

describe('Traccar Client JSON body', () => {
  // Shape of the body the current Traccar Client app posts (transistorsoft location object).
  const body = JSON.stringify({
    device_id: '867530912345678',
    location: {
      timestamp: '2025-02-03T15:04:05.678Z',
      coords: { latitude: 25.6866, longitude: -100.3161, speed: 5, heading: 180, altitude: 540, accuracy: 8.5 },
      is_moving: true,
      odometer: 1234.5,
      event: 'motionchange',
      battery: { level: 0.42, is_charging: false },
      activity: { type: 'in_vehicle', confidence: 77 },
      mock: true,
      extras: {},
    },
  });

  it('decodes one location with units converted (m/s → km/h, level → %)', () => {
    expect(ok(decodeOsmAnd({ method: 'POST', query: '', contentType: 'application/json; charset=utf-8', body }))).toEqual([
      {
        kind: 'position',
        uniqueId: '867530912345678',
        fixTime: new Date('2025-02-03T15:04:05.678Z'),
        lat: 25.6866,
        lon: -100.3161,
        valid: true,
        speedKph: 18,
        courseDeg: 180,
        altitudeM: 540,
        accuracyM: 8.5,
        batteryPct: 42,
        // mock: the phone reported a simulated location (Android developer option) — a supervisor should know.
        attributes: { charging: false, moving: true, event: 'motionchange', odometerM: 1234.5, activity: 'in_vehicle', mock: true },
      },
    ]);
  });

  it('accepts bytes and no content type; a batched array gives several positions; -1 speed is unknown', () => {
    const batched = encodeOsmAndJson('x', [
      { time: new Date('2025-01-01T00:00:00Z'), lat: 1, lon: 2 },
      { time: new Date('2025-01-01T00:00:10Z'), lat: 1.1, lon: 2.1, speedKph: 36 },
    ]);
    const messages = ok(decodeOsmAnd({ method: 'POST', query: '', body: new TextEncoder().encode(batched) })) as Position[];
    expect(messages.map((p) => [p.fixTime.toISOString(), p.lat, p.speedKph])).toEqual([
      ['2025-01-01T00:00:00.000Z', 1, undefined],
      ['2025-01-01T00:00:10.000Z', 1.1, 36],
    ]);
  });

  it('a batch with an unreadable location gives the others, and says which one it could not read and why', () => {
    const good = (s: number) => ({ timestamp: `2025-01-01T00:00:0${s}Z`, coords: { latitude: 1, longitude: 2 } });
    const body = JSON.stringify({ device_id: 'x', location: [good(0), good(1), { timestamp: 5, coords: { latitude: 'x', longitude: 1 } }, good(3)] });
    const r = decodeOsmAnd({ method: 'POST', query: '', contentType: 'application/json', body });
    expect(r.ok && r.messages.map((m) => (m as Position).fixTime.getSeconds())).toEqual([0, 1, 3]);
    expect(r.ok && r.rejected).toEqual([{ index: 2, reason: 'missing or invalid coordinates' }]);
  });

  it('clear errors for bad JSON; a named device with no readable location gets its login and why', () => {
    const code = (b: string) => {
      const r = decodeOsmAnd({ method: 'POST', query: '', contentType: 'application/json', body: b });
      return r.ok ? { messages: r.messages, reasons: r.rejected?.map((x) => x.reason) } : r.error.detail;
    };
    const login = (reason: string) => ({ messages: [{ kind: 'login', uniqueId: 'a' }], reasons: [reason] });
    expect(code('{')).toBe('body is not JSON');
    expect(code('{"location":{}}')).toBe('missing device_id');
    expect(code('{"device_id":"a","location":{"coords":{"latitude":1}}}')).toEqual(login('missing or invalid coordinates'));
    expect(code('{"device_id":"a","location":{"coords":{"latitude":1,"longitude":2}}}')).toEqual(login('missing or invalid timestamp'));
    expect(code('{"device_id":"a","location":[]}')).toBe('no location');
  });
});

describe('OsmAnd properties', () => {
  const fixArb = fc.record({
    time: fc.integer({ min: 0, max: 4102444800 }).map((s) => new Date(s * 1000)),
    // -0 prints as "0" in a query string: compare zeros without their sign.
    lat: fc.double({ min: -90, max: 90, noNaN: true }).map((x) => x + 0),
    lon: fc.double({ min: -180, max: 180, noNaN: true }).map((x) => x + 0),
    speedKph: fc.double({ min: 0, max: 300, noNaN: true }),
    courseDeg: fc.integer({ min: 0, max: 359 }),
    batteryPct: fc.integer({ min: 0, max: 100 }),
  });

  it('query and JSON encode → decode round trip', () => {
    fc.assert(
      fc.property(fixArb, (fix) => {
        for (const request of [
          { method: 'GET', query: encodeOsmAndQuery('dev-1', fix) },
          { method: 'POST', query: '', contentType: 'application/json', body: encodeOsmAndJson('dev-1', [fix]) },
        ]) {
          const [p] = ok(decodeOsmAnd(request)) as Position[];
          expect([p.uniqueId, p.fixTime.getTime(), p.lat, p.lon, p.courseDeg, p.batteryPct]).toEqual(['dev-1', fix.time.getTime(), fix.lat, fix.lon, fix.courseDeg, fix.batteryPct]);
          expect(Math.abs(p.speedKph! - fix.speedKph)).toBeLessThan(1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fuzz: arbitrary query strings and bodies give messages or a typed error, never a throw', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.constantFrom(undefined, 'application/json', 'application/x-www-form-urlencoded', 'text/plain'), (query, body, contentType) => {
        const r = decodeOsmAnd({ method: 'POST', query, body, contentType });
        expect(r.ok || typeof r.error.code === 'string').toBe(true);
        if (r.ok) r.messages.forEach(assertSanePosition);
      }),
      { numRuns: 2000 },
    );
  });
});
