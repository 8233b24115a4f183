// aedes-persistence-redis ships no types. Its async class is the interface aedes 1.x calls
// (aedes docs/MIGRATION.md); the package's default export wraps it in a callback layer aedes 1.x no longer needs.
declare module 'aedes-persistence-redis/asyncPersistence.js' {
  import type { Redis } from 'ioredis';
  export default class AsyncRedisPersistence {
    constructor(opts: { conn: Redis; maxSessionDelivery?: number; packetTTL?: (packet: unknown) => number });
    destroy(): Promise<void>;
  }
}
