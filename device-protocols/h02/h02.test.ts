import { describe, expect, it } from 'vitest';
import type { Alarm, Position } from '../messages.ts';
import { asciiBytes, bytesToAscii } from '../shared/bytes.ts';
import { decodeH02, type H02State } from './h02-decoder.ts';
import { encodeH02Ack, encodeH02Command, encodeH02CommandReply, encodeH02Heartbeat, encodeH02Position } from './h02-encoder.ts';
import { createH02Framer } from './h02-framer.ts';

function decodeOk(text: string, state: H02State = {}) {
  const r = decodeH02(asciiBytes(text), state);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.detail}`);
  return r;
}

// The V1 example printed in the H02 protocol document (and repeated by most H02 implementations).
const DOC_V1 = '*HQ,865205030330012,V1,145452,A,2240.55181,N,11358.32389,E,0.00,0,100815,FFFFFBFF#';

describe('H02 fixtures', () => {
  it('V1 document example: login on the first frame, then the position', () => {
    const r = decodeOk(DOC_V1);
    expect(r.messages).toEqual([
      { kind: 'login', uniqueId: '865205030330012' },
      {
        kind: 'position',
        uniqueId: '865205030330012',
        fixTime: new Date('2015-08-10T14:54:52.000Z'),
        lat: 22 + 40.55181 / 60,
        lon: 113 + 58.32389 / 60,
        valid: true,
        speedKph: 0,
        courseDeg: 0,
        // 0xFFFFFBFF: every alarm bit inactive (1), bit 10 clear.
        attributes: { status: 0xfffffbff, ignition: false },
      },
    ]);
    expect(r.state).toEqual({ uniqueId: '865205030330012' });
    expect('reply' in r).toBe(false);
  });

  it('no second login once the connection knows the id', () => {
    const r = decodeOk(DOC_V1, { uniqueId: '865205030330012' });
    expect(r.messages.map((m) => m.kind)).toEqual(['position']);
  });

  it('V1 in the western hemisphere, invalid fix, knots → km/h, cell fields (hand-built, Sinotrack ST-901 layout)', () => {
    const r = decodeOk('*HQ,4210051415,V1,164549,V,0956.3869,N,08406.7068,W,10.00,270,221117,FFFFFFFF,712,01,3021,40514#', { uniqueId: '4210051415' });
    const p = r.messages[0] as Position;
    expect(p.fixTime.toISOString()).toBe('2017-11-22T16:45:49.000Z');
    expect(p.lat).toBe(9 + 56.3869 / 60);
    expect(p.lon).toBe(-(84 + 6.7068 / 60));
    expect([p.valid, p.speedKph, p.courseDeg]).toEqual([false, 18.52, 270]);
    expect(p.attributes).toEqual({ status: 0xffffffff, ignition: true, mcc: 712, mnc: 1, lac: 3021, cellId: 40514 });
  });

  it('status bit 1 cleared = SOS alarm with its position (negative logic)', () => {
    const r = decodeOk('*HQ,865205030330012,V1,145452,A,2240.55181,S,11358.32389,E,5.40,90,100815,FFFFFBFD#', { uniqueId: '865205030330012' });
    const a = r.messages[0] as Alarm;
    expect(a.alarm).toBe('sos');
    expect(a.attributes).toEqual({ status: 0xfffffbfd });
    expect(a.position?.lat).toBe(-(22 + 40.55181 / 60));
  });

  // Device frames from Traccar's H02 decoder tests.
  it('"-DD-MM.MMMM" coordinates are negative degrees and minutes', () => {
    const p = decodeOk('*HQ,1451316409,V1,030149,A,-23-29.0095,S,-46-51.5852,W,2.4,065,070315,FFFFFFFF#').messages[1] as Position;
    expect([p.fixTime.toISOString(), p.lat, p.lon, p.speedKph, p.courseDeg]).toEqual([
      '2015-03-07T03:01:49.000Z', -(23 + 29.0095 / 60), -(46 + 51.5852 / 60), 2.4 * 1.852, 65,
    ]);
  });

  it('V8: same layout as V1, longitude with its leading zeros dropped (38.6508 = 0°38.6508\')', () => {
    const pos = decodeOk('*HQ,9001000002,V8,213945,A,3542.2043,N,38.6508,W,0.00,170,221025,FBFFF9FF,0,0,0,0,22,31,126,0#').messages[1] as Position;
    // Status 0xFBFFF9FF: bits 0, 1, 2 and 19 set (no alarm), bit 10 clear (ignition off).
    expect(pos.kind).toBe('position');
    expect([pos.fixTime.toISOString(), pos.lat, pos.lon, pos.courseDeg, pos.valid]).toEqual([
      '2025-10-22T21:39:45.000Z', 35 + 42.2043 / 60, -(38.6508 / 60), 170, true,
    ]);
    expect(pos.attributes).toEqual({ status: 0xfbfff9ff, ignition: false });
  });

  it('V6: V1 fields, the serving cell, then the SIM ICCID', () => {
    const a = decodeOk('*HQ,3177718238,V6,002926,V,3514.4088,N,9733.2842,W,0.00,0.00,151222,FFF7FBFF,310,260,32936,13641,8944501311217563382F,#').messages[1] as Alarm;
    // Status 0xFFF7FBFF: bit 19 clear = external power cut.
    expect(a.kind).toBe('alarm');
    expect(a.alarm).toBe('powerCut');
    expect([a.position?.fixTime.toISOString(), a.position?.lat, a.position?.lon, a.position?.valid]).toEqual([
      '2022-12-15T00:29:26.000Z', 35 + 14.4088 / 60, -(97 + 33.2842 / 60), false,
    ]);
    expect(a.position?.attributes).toEqual({ status: 0xfff7fbff, ignition: false, mcc: 310, mnc: 260, lac: 32936, cellId: 13641 });
  });

  it('V1 dated 30 Feb 2026 (the document example with its date changed): an Invalid Date, not 2 March, as GT06 does', () => {
    const p = decodeOk(DOC_V1.replace('100815', '300226'), { uniqueId: '865205030330012' }).messages[0] as Position;
    expect([p.kind, p.fixTime.getTime(), p.lat, p.lon]).toEqual(['position', NaN, 22 + 40.55181 / 60, 113 + 58.32389 / 60]);
    for (const [date, time] of [['290226', '145452'], ['310426', '145452'], ['100815', '245452'], ['100815', '145460']]) {
      const q = decodeOk(DOC_V1.replace('100815', date).replace('145452', time), { uniqueId: '865205030330012' }).messages[0] as Position;
      expect(q.fixTime.getTime()).toBeNaN();
    }
  });

  it('lower-case hemisphere letters count as upper-case ones; any other letter is malformed', () => {
    const frame = (lat: string, lon: string) => `*HQ,4210051415,V1,164549,A,${lat},${lon},0.00,0,221117,FFFFFFFF#`;
    const p = decodeOk(frame('2040.2000,s', '10320.4000,w'), { uniqueId: '4210051415' }).messages[0] as Position;
    expect([p.lat, p.lon]).toEqual([-(20 + 40.2 / 60), -(103 + 20.4 / 60)]);
    const q = decodeOk(frame('2040.2000,n', '10320.4000,e'), { uniqueId: '4210051415' }).messages[0] as Position;
    expect([q.lat, q.lon]).toEqual([20 + 40.2 / 60, 103 + 20.4 / 60]);
    const err = (lat: string, lon: string) => {
      const r = decodeH02(asciiBytes(frame(lat, lon)), { uniqueId: '4210051415' });
      return r.ok ? null : `${r.error.code}: ${r.error.detail}`;
    };
    expect(err('2040.2000,X', '10320.4000,W')).toBe('malformed: V1 coordinate or hemisphere');
    expect(err('2040.2000,N', '10320.4000,S')).toBe('malformed: V1 coordinate or hemisphere');
    expect(err('2040.2000,', '10320.4000,W')).toBe('malformed: V1 coordinate or hemisphere');
    expect(err('2040.2000,NN', '10320.4000,W')).toBe('malformed: V1 coordinate or hemisphere');
  });

  it('NMEA minutes of 60 or more are malformed, as in the binary form (2075.0000 is not 21.25°)', () => {
    const err = (lat: string, lon: string) => {
      const r = decodeH02(asciiBytes(`*HQ,4210051415,V1,164549,A,${lat},${lon},0.00,0,221117,FFFFFFFF#`), { uniqueId: '4210051415' });
      return r.ok ? null : `${r.error.code}: ${r.error.detail}`;
    };
    expect(err('2075.0000,N', '10320.4000,W')).toBe('malformed: V1 coordinate or hemisphere');
    expect(err('2040.2000,N', '10360.0000,W')).toBe('malformed: V1 coordinate or hemisphere');
    expect(err('-20-75.0000,S', '10320.4000,W')).toBe('malformed: V1 coordinate or hemisphere');
    expect(err('2059.9999,N', '10320.4000,W')).toBeNull();
  });

  it('V1 at 95° N (the document example with its latitude changed): passed on as is, for ingest to refuse the fix, as GT06 does', () => {
    const r = decodeOk(DOC_V1.replace('2240.55181', '9500.0000'), { uniqueId: '865205030330012' });
    expect(r.messages).toMatchObject([{ kind: 'position', lat: 95, lon: 113 + 58.32389 / 60 }]);
    expect(decodeOk(DOC_V1.replace('11358.32389', '18100.0000'), { uniqueId: '865205030330012' }).messages).toMatchObject([{ kind: 'position', lon: 181 }]);
  });

  it('HTBT with and without battery', () => {
    expect(decodeOk('*HQ,135790246811220,HTBT,100#').messages[1]).toEqual({ kind: 'heartbeat', uniqueId: '135790246811220', batteryPct: 100, attributes: {} });
    expect(decodeOk('*HQ,135790246811220,HTBT#').messages[1]).toEqual({ kind: 'heartbeat', uniqueId: '135790246811220', attributes: {} });
  });

  it('NBR with seven cells and LINK from real devices', () => {
    expect(decodeOk('*HQ,4109179024,NBR,103732,722,310,0,6,8106,32010,23,8101,22007,25,8106,12010,23,8106,22105,22,8101,22012,16,8106,42010,5,100217,FFFFFBFF,5#').messages[1]).toEqual({
      kind: 'heartbeat',
      uniqueId: '4109179024',
      attributes: { mcc: 722, mnc: 310, lac: 8106, cellId: 32010, rssi: 23 },
    });
    expect(decodeOk('*HQ,1700086468,LINK,180902,15,0,84,0,0,240517,FFFFFBFF#').messages[1]).toEqual({
      kind: 'heartbeat',
      uniqueId: '1700086468',
      batteryPct: 84,
      attributes: { gsmSignal: 15, satellites: 0, steps: 0 },
    });
  });

  it('LINK heartbeat: GSM signal, satellites, battery %, steps (hand-built per the H02 LINK layout)', () => {
    const r = decodeOk('*HQ,353505510000000,LINK,112223,25,0,84,120,0,150119,FFFFFBFF#', { uniqueId: '353505510000000' });
    expect(r.messages).toEqual([{ kind: 'heartbeat', uniqueId: '353505510000000', batteryPct: 84, attributes: { gsmSignal: 25, satellites: 0, steps: 120 } }]);
  });

  it('NBR: serving cell only, as a heartbeat (hand-built per the H02 NBR layout)', () => {
    const r = decodeOk('*HQ,355488020119695,NBR,112257,460,0,1,4,9338,3692,150,9338,3691,145,150519,FFFFFBFF#', { uniqueId: '355488020119695' });
    expect(r.messages).toEqual([{ kind: 'heartbeat', uniqueId: '355488020119695', attributes: { mcc: 460, mnc: 0, lac: 9338, cellId: 3692, rssi: 150 } }]);
  });

  it('XT heartbeat and V4 command confirmation', () => {
    expect(decodeOk('*HQ,355488020119695,XT,1#', { uniqueId: '355488020119695' }).messages).toEqual([{ kind: 'heartbeat', uniqueId: '355488020119695', attributes: {} }]);
    expect(decodeOk('*HQ,355488020119695,V4,S20,1,1,101010#', { uniqueId: '355488020119695' }).messages).toEqual([
      { kind: 'commandAck', uniqueId: '355488020119695', text: 'S20,1,1,101010' },
    ]);
  });

  it('typed errors for bad frames', () => {
    const err = (text: string) => {
      const r = decodeH02(asciiBytes(text), {});
      return r.ok ? null : r.error.code;
    };
    expect(err('*HQ,865205030330012,ZZ,1#')).toBe('unsupported');
    expect(err('*HQ,865205030330012,V1,145452,A,22x0.5,N,11358.32389,E,0.00,0,100815,FFFFFBFF#')).toBe('malformed');
    expect(err('*HQ,865205030330012,V1,145452,A,2240.5,N,11358.3,E,0.00,0,10x815,FFFFFBFF#')).toBe('malformed');
    expect(err('*HQ,,V1#')).toBe('malformed');
  });
});

describe('H02 encoders', () => {
  it('command S20 with the send time', () => {
    expect(bytesToAscii(encodeH02Command('865205030330012', 'S20', new Date('2025-03-01T08:09:10Z'), [1, 1]))).toBe('*HQ,865205030330012,S20,080910,1,1#');
  });
  it('optional receipt with the server time', () => {
    expect(bytesToAscii(encodeH02Ack('865205030330012', 'V1', new Date('2025-03-01T08:09:10Z')))).toBe('*HQ,865205030330012,V4,V1,20250301080910#');
  });
  it('device frames the simulators send', () => {
    const time = new Date('2025-03-01T08:09:10Z');
    expect(bytesToAscii(encodeH02Position('865205030330012', { time, lat: 19.4326, lon: -99.1332, valid: true, speedKph: 18.52, courseDeg: 45 }))).toBe(
      '*HQ,865205030330012,V1,080910,A,1925.9560,N,09907.9920,W,10.00,45,010325,FFFFFBFF#',
    );
    expect(bytesToAscii(encodeH02Heartbeat('865205030330012', { time, gsmSignal: 20, satellites: 7, batteryPct: 90 }))).toBe(
      '*HQ,865205030330012,LINK,080910,20,7,90,0,0,010325,FFFFFBFF#',
    );
    expect(bytesToAscii(encodeH02CommandReply('865205030330012', 'S20', time, [1, 1]))).toBe('*HQ,865205030330012,V4,S20,1,1,080910#');
  });
});

describe('H02 framer', () => {
  it('handles split frames, merged frames, CR/LF and garbage', () => {
    const framer = createH02Framer();
    const a = framer.push(asciiBytes(DOC_V1.slice(0, 30)));
    expect(a.frames).toEqual([]);
    const b = framer.push(asciiBytes(DOC_V1.slice(30) + '\r\n' + 'junk' + '*HQ,1234567890,XT#'));
    expect(b.frames.map((x) => bytesToAscii(x))).toEqual([DOC_V1, '*HQ,1234567890,XT#']);
    expect(b.errors.map((e) => e.detail)).toEqual(['skipped 4 bytes between frames']);
  });
});
