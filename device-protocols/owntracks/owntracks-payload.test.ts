import { describe, expect, it } from 'vitest';
import { decodeOwnTracks } from './owntracks-payload.ts';

/** A location as the Android app publishes it (booklet, "JSON" chapter, `_type=location`). */
const FIX = { _type: 'location', tst: 1_764_519_300, lat: 20.6767, lon: -103.3475, vel: 20, cog: 90, alt: 1566, acc: 10, batt: 55, bs: 1, tid: 'an', t: 'u', conn: 'm' };
const decode = (o: unknown) => decodeOwnTracks(JSON.stringify(o));

describe('decodeOwnTracks: locations', () => {
  it('reads a location with exact values', () => {
    expect(decode(FIX)).toEqual({
      kind: 'position',
      position: {
        kind: 'position',
        fixTime: new Date('2025-11-30T16:15:00Z'),
        lat: 20.6767,
        lon: -103.3475,
        valid: true,
        speedKph: 20,
        courseDeg: 90,
        altitudeM: 1566,
        accuracyM: 10,
        batteryPct: 55,
        attributes: { tid: 'an', trigger: 'u' },
      },
    });
  });

  it('refuses values out of the ranges Ronda JSON uses for the same fields (they were stored as sent)', () => {
    expect(decode({ ...FIX, batt: 250 })).toEqual({ kind: 'error', reason: 'batt must be a number in 0..100' });
    expect(decode({ ...FIX, acc: -3 })).toEqual({ kind: 'error', reason: 'acc must be a number in 0..1000000' });
    expect(decode({ ...FIX, alt: -50_000 })).toEqual({ kind: 'error', reason: 'alt must be a number in -1000..20000' });
    expect(decode({ ...FIX, vel: 2001 })).toEqual({ kind: 'error', reason: 'vel must be a number in 0..2000' });
    expect(decode({ ...FIX, cog: 361 })).toEqual({ kind: 'error', reason: 'cog must be a number in 0..360' });
  });

  it('keeps the ends of each range, reads a −1 speed or course as unknown, and leaves out fields that are not numbers', () => {
    const edges = decode({ ...FIX, vel: 2000, cog: 360, alt: -1000, acc: 0, batt: 100 });
    expect(edges.kind === 'position' && edges.position).toMatchObject({ speedKph: 2000, courseDeg: 360, altitudeM: -1000, accuracyM: 0, batteryPct: 100 });
    const unknown = decode({ ...FIX, vel: -1, cog: -1, batt: '55' });
    expect(unknown.kind === 'position' && [unknown.position.speedKph, unknown.position.courseDeg, unknown.position.batteryPct]).toEqual([undefined, undefined, undefined]);
  });

  it('refuses a location without time or coordinates', () => {
    expect(decode({ ...FIX, tst: undefined })).toEqual({ kind: 'error', reason: 'tst missing' });
    expect(decodeOwnTracks(JSON.stringify(FIX).replace('"tst":1764519300', '"tst":1e400'))).toEqual({ kind: 'error', reason: 'tst missing' });
    expect(decode({ ...FIX, lat: 91 })).toEqual({ kind: 'error', reason: 'lat missing or outside -90..90' });
    expect(decode({ ...FIX, lon: '-103.3' })).toEqual({ kind: 'error', reason: 'lon missing or outside -180..180' });
  });
});

describe('decodeOwnTracks: what is not a location', () => {
  it('refuses an encrypted payload, saying how to fix it, instead of dropping every fix of that phone silently', () => {
    // booklet, "Payload encryption": the apps wrap the encrypted JSON in this object.
    expect(decode({ _type: 'encrypted', data: '1Vu7OwpW4lMnh28FB+el22GsCrlnggvEcp4H8GR9iKJdi1qfwkejYpzrQ+491Mwunjg=' })).toEqual({
      kind: 'error',
      reason: 'encrypted OwnTracks payloads are not supported: clear the encryption key in the app',
    });
  });

  it('refuses a payload without _type, an array (the apps publish one object per message) and JSON that is no object', () => {
    expect(decode({ tst: 1_764_519_300, lat: 20.6767, lon: -103.3475 })).toEqual({ kind: 'error', reason: '_type missing: not an OwnTracks message' });
    expect(decode({ ...FIX, _type: 7 })).toEqual({ kind: 'error', reason: '_type missing: not an OwnTracks message' });
    expect(decode([FIX, FIX])).toEqual({ kind: 'error', reason: 'payload is an array: OwnTracks sends one message per publish' });
    expect(decode([])).toEqual({ kind: 'error', reason: 'payload is an array: OwnTracks sends one message per publish' });
    for (const v of [null, 42, 'location']) expect(decode(v)).toEqual({ kind: 'error', reason: 'payload is not an object' });
    expect(decodeOwnTracks('{"_type":"location"')).toEqual({ kind: 'error', reason: 'payload is not valid JSON' });
  });

  it('ignores the other types the apps send, and the empty payload that clears a retained message', () => {
    for (const type of ['lwt', 'transition', 'waypoint', 'waypoints', 'card', 'status', 'steps', 'beacon', 'cmd', 'configuration', 'request']) {
      expect(decode({ _type: type, tst: 1_764_519_300 })).toEqual({ kind: 'ignored', type });
    }
    expect(decodeOwnTracks(new Uint8Array(0))).toEqual({ kind: 'ignored', type: '' });
  });

  it('does not walk fields it does not read: an extra field nested 20,000 deep is no trouble', () => {
    const depth = 20_000;
    const payload = JSON.stringify(FIX).replace('}', `,"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(decodeOwnTracks(payload).kind).toBe('position');
  });
});
