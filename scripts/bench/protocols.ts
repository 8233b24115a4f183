/**
 * Decode throughput per protocol on one core (issue 3 targets: GT06 ≥ 1M
 * frames/s, Teltonika ≥ 1M AVL records/s, H02 ≥ 500k frames/s, text and binary). Frames are
 * built with the codecs' own encoders; each figure is the best of a few
 * short rounds, counted per second of this process's CPU time (the target
 * is per core) and, for reference, per wall-clock second.
 * Usage: npm run bench:protocols [-- --seconds 0.5]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  createGt06Framer,
  createH02Framer,
  createTeltonikaFramer,
  decodeGt06,
  decodeH02,
  decodeOsmAnd,
  decodeTeltonikaTcp,
  encodeGt06Position,
  encodeH02BinaryPosition,
  encodeH02Position,
  encodeOsmAndQuery,
  encodeTeltonikaTcpPacket,
  type Framer,
  type TeltonikaRecord,
} from '../../device-protocols/index.ts';

const secondsArg = process.argv.indexOf('--seconds');
const ROUND_SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 0.4;
const ROUNDS = 5;

const start = Date.UTC(2025, 5, 1, 12);
const fixes = Array.from({ length: 1000 }, (_, i) => ({
  time: new Date(start + i * 10_000),
  lat: 19.4326 + i * 1e-4,
  lon: -99.1332 - i * 1e-4,
  valid: true,
  speedKph: i % 90,
  courseDeg: i % 360,
  satellites: 9,
  cell: { mcc: 334, mnc: 20, lac: 0x1234, cellId: 0x00abcd + i },
}));

interface Rate {
  /** Units per second of this process's CPU time: what one core does, even while other processes share the machine. */
  cpu: number;
  /** Units per wall-clock second: lower than `cpu` whenever the machine is busy. */
  wall: number;
}

/** Runs `body` (which returns how many units it processed) repeatedly; returns the best round. */
function measure(body: () => number, warmups = 200): Rate {
  for (let i = 0; i < warmups; i++) body(); // so the JIT has optimised the decoder
  const best: Rate = { cpu: 0, wall: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    let units = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let elapsed = 0;
    while (elapsed < ROUND_SECONDS * 1000) {
      units += body();
      elapsed = performance.now() - t0;
    }
    const cpu = process.cpuUsage(c0);
    best.cpu = Math.max(best.cpu, units / ((cpu.user + cpu.system) / 1e6));
    best.wall = Math.max(best.wall, units / (elapsed / 1000));
  }
  return best;
}

function concat(frames: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let o = 0;
  for (const f of frames) {
    out.set(f, o);
    o += f.length;
  }
  return out;
}

interface Row {
  name: string;
  unit: string;
  decode: Rate;
  framed?: Rate;
  target?: number;
}
const rows: Row[] = [];
let sink = 0;

// GT06: 0x12 location frames.
{
  const frames = fixes.map((fix, i) => encodeGt06Position(fix, i));
  const state = { uniqueId: '123456789012345', ackPositions: false };
  const decodeRate = measure(() => {
    for (const frame of frames) sink += decodeGt06(frame, state).ok ? 1 : 0;
    return frames.length;
  });
  const stream = concat(frames);
  const framedRate = measure(() => {
    const out = createGt06Framer(8192).push(stream);
    for (const frame of out.frames) sink += decodeGt06(frame, state).ok ? 1 : 0;
    return out.frames.length;
  });
  rows.push({ name: 'GT06 0x12 location', unit: 'frames/s', decode: decodeRate, framed: framedRate, target: 1_000_000 });
}

/** A Teltonika TCP packet of `fixes`, each record with 10 IO elements (a typical FMB configuration). */
function teltonikaPacket(codec: 0x08 | 0x8e, packetFixes: typeof fixes): Uint8Array {
  return encodeTeltonikaTcpPacket(
    codec,
    packetFixes.map(
      (fix, i): TeltonikaRecord => ({
        timestampMs: fix.time.getTime(),
        priority: 0,
        lat: Math.round(fix.lat * 1e7) / 1e7,
        lon: Math.round(fix.lon * 1e7) / 1e7,
        altitudeM: 2240,
        angleDeg: fix.courseDeg,
        satellites: 9,
        speedKph: fix.speedKph,
        eventIoId: 0,
        io: [
          { id: 239, size: 1, value: 1 },
          { id: 240, size: 1, value: 1 },
          { id: 21, size: 1, value: 4 },
          { id: 69, size: 1, value: 1 },
          { id: 113, size: 1, value: 80 },
          { id: 66, size: 2, value: 12650 },
          { id: 67, size: 2, value: 4012 },
          { id: 182, size: 2, value: 9 },
          { id: 199, size: 4, value: 100 + i },
          { id: 16, size: 4, value: 123_456 + i },
        ],
      }),
    ),
  );
}

// Teltonika: Codec 8 and 8E packets of 10 records.
for (const codec of [0x08, 0x8e] as const) {
  const packets = Array.from({ length: 100 }, (_, p) => teltonikaPacket(codec, fixes.slice(p * 10, p * 10 + 10)));
  const records = packets.length * 10;
  const state = { uniqueId: '356307042441013' };
  const decodeRate = measure(() => {
    for (const packet of packets) sink += decodeTeltonikaTcp(packet, state).ok ? 1 : 0;
    return records;
  });
  const stream = concat(packets);
  const framedRate = measure(() => {
    const out = createTeltonikaFramer(1 << 20).push(stream);
    for (const frame of out.frames) sink += decodeTeltonikaTcp(frame, state).ok ? 1 : 0;
    return records;
  });
  rows.push({ name: `Teltonika Codec ${codec === 0x08 ? '8' : '8E'} (10 rec/packet, 10 IO)`, unit: 'records/s', decode: decodeRate, framed: framedRate, target: 1_000_000 });
}

// H02: V1 text frames.
{
  const frames = fixes.map((fix) => encodeH02Position('865205030330012', fix));
  const state = { uniqueId: '865205030330012' };
  const decodeRate = measure(() => {
    for (const frame of frames) sink += decodeH02(frame, state).ok ? 1 : 0;
    return frames.length;
  });
  const stream = concat(frames);
  const framedRate = measure(() => {
    const out = createH02Framer(1 << 20).push(stream);
    for (const frame of out.frames) sink += decodeH02(frame, state).ok ? 1 : 0;
    return out.frames.length;
  });
  rows.push({ name: 'H02 V1 text', unit: 'frames/s', decode: decodeRate, framed: framedRate, target: 500_000 });
}

// H02: 32-byte binary reports, the other form the same target covers.
{
  const frames = fixes.map((fix) => encodeH02BinaryPosition('4106000826', { ...fix, batteryLevel: 6 }));
  const state = { uniqueId: '4106000826' };
  const decodeRate = measure(() => {
    for (const frame of frames) sink += decodeH02(frame, state).ok ? 1 : 0;
    return frames.length;
  });
  const stream = concat(frames);
  const framedRate = measure(() => {
    const out = createH02Framer(1 << 20).push(stream);
    for (const frame of out.frames) sink += decodeH02(frame, state).ok ? 1 : 0;
    return out.frames.length;
  });
  rows.push({ name: 'H02 binary $ (32 bytes)', unit: 'frames/s', decode: decodeRate, framed: framedRate, target: 500_000 });
}

// OsmAnd: no target (one HTTP request per report); printed for reference.
{
  const queries = fixes.slice(0, 200).map((fix) => encodeOsmAndQuery('dev-1', { ...fix, batteryPct: 80 }));
  const decodeRate = measure(() => {
    for (const query of queries) sink += decodeOsmAnd({ method: 'GET', query }).ok ? 1 : 0;
    return queries.length;
  });
  rows.push({ name: 'OsmAnd query string', unit: 'requests/s', decode: decodeRate });
}

/**
 * A backlog arriving a few bytes per TCP segment (a device dribbling its
 * frames, or an attacker doing so on purpose): each push adds to the bytes
 * the framer holds, which must cost per byte added, not per byte held.
 */
interface ChunkedRow {
  name: string;
  rate: Rate;
}
const chunkedRows: ChunkedRow[] = [];
function framedInChunks(stream: Uint8Array, chunkBytes: number, createFramer: () => Framer, decode: (frame: Uint8Array) => boolean): () => number {
  return () => {
    const framer = createFramer();
    let frames = 0;
    for (let o = 0; o < stream.length; o += chunkBytes) {
      const out = framer.push(stream.subarray(o, o + chunkBytes));
      for (const frame of out.frames) sink += decode(frame) ? 1 : 0;
      frames += out.frames.length;
    }
    return frames;
  };
}
{
  const gt06State = { uniqueId: '123456789012345', ackPositions: false };
  const gt06 = concat(Array.from({ length: 1800 }, (_, i) => encodeGt06Position(fixes[i % fixes.length], i)));
  const teltonikaState = { uniqueId: '356307042441013' };
  const teltonika = concat(Array.from({ length: 110 }, (_, p) => teltonikaPacket(0x08, fixes.slice((p % 100) * 10, (p % 100) * 10 + 10))));
  // A device's buffered history in one packet of 255 records (Codec 8's most), ≈ 15 KB the framer holds until its last byte.
  const history = teltonikaPacket(0x08, [...fixes.slice(0, 255)]);
  const cases = [
    { name: `GT06 ${(gt06.length / 1024).toFixed(0)} KB backlog`, stream: gt06, create: () => createGt06Framer(), decode: (f: Uint8Array) => decodeGt06(f, gt06State).ok },
    { name: `Teltonika 8 ${(teltonika.length / 1024).toFixed(0)} KB backlog`, stream: teltonika, create: () => createTeltonikaFramer(), decode: (f: Uint8Array) => decodeTeltonikaTcp(f, teltonikaState).ok },
    { name: `Teltonika 8 one ${(history.length / 1024).toFixed(0)} KB packet`, stream: history, create: () => createTeltonikaFramer(), decode: (f: Uint8Array) => decodeTeltonikaTcp(f, teltonikaState).ok },
  ];
  for (const c of cases) {
    for (const chunkBytes of [1, 16]) {
      const rate = measure(framedInChunks(c.stream, chunkBytes, c.create, c.decode), 3);
      chunkedRows.push({ name: `${c.name}, ${chunkBytes} B chunks`, rate });
    }
  }
}

const fmt = (n: number | undefined) => (n === undefined ? '-' : Math.round(n).toLocaleString('en-US'));
console.log(
  `device-protocols decode throughput, one core, node ${process.version}, best of ${ROUNDS} × ${ROUND_SECONDS}s, ` +
    `load average ${loadavg()[0].toFixed(1)}; "per CPU-s" divides by this process's CPU time, "wall" by elapsed time`,
);
console.log(
  'protocol'.padEnd(42),
  'unit'.padEnd(11),
  'decode/CPU-s'.padStart(13),
  'decode/wall-s'.padStart(14),
  'frame+decode/CPU-s'.padStart(19),
  'target'.padStart(10),
);
for (const row of rows) {
  const verdict = row.target === undefined ? '' : row.decode.cpu >= row.target ? ' ok' : ' BELOW';
  console.log(
    row.name.padEnd(42),
    row.unit.padEnd(11),
    fmt(row.decode.cpu).padStart(13),
    fmt(row.decode.wall).padStart(14),
    fmt(row.framed?.cpu).padStart(19),
    fmt(row.target).padStart(10) + verdict,
  );
}
console.log();
console.log('frame + decode of a backlog pushed in small chunks'.padEnd(54), 'frames/CPU-s'.padStart(13), 'frames/wall-s'.padStart(14));
for (const row of chunkedRows) console.log(row.name.padEnd(54), fmt(row.rate.cpu).padStart(13), fmt(row.rate.wall).padStart(14));
if (sink < 0) console.log(sink);
