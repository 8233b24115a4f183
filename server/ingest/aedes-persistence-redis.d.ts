// aedes-persistence-redis ships no types. Its default export serves aedes 1.x: promise-returning
// methods, and the Node streams aedes pipes retained messages, wills and sessions from.
declare module 'aedes-persistence-redis' {
  import type { Redis } from 'ioredis';
  export default function aedesPersistenceRedis(opts: { conn: Redis; maxSessionDelivery?: number; packetTTL?: (packet: unknown) => number }): unknown;
}
