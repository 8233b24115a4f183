import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { channelOf, closeRedis, connectRedis } from '../lib/redis-connection.ts';

/**
 * What changed for a team's deviation engine: the receiver reads the change itself from the database.
 * `visits`: those visits were changed or checked in (visits API, check-ins, a plan's own moves).
 */
export type DeviationNotice = { teamId: number; change: 'plan' | 'rules' } | { teamId: number; change: 'visits'; visitIds: number[] };

/** Visits named by one notice at most: a bigger change goes in several. */
export const MAX_NOTICE_VISITS = 500;

export interface DeviationNotices {
  publish(notice: DeviationNotice): void;
  close(): Promise<void>;
}

export interface DeviationNoticeHandlers {
  onNotice(notice: DeviationNotice): void;
  /** The subscription came back after a Redis outage: notices published meanwhile are lost. */
  onResubscribed(): void;
}

/**
 * SPEC §8: with REDIS_URL, a plan stored, rules changed, or visits changed or checked in through one
 * instance reach the deviation engines of the others. A notice only says which team (and visits)
 * changed; receivers read the plan, rules or visits from PostgreSQL, the source of truth, so a lost,
 * late or forged notice costs at most a reload. The channel carries the database number
 * (channelOf): deployments kept apart by it do not reload on each other's notices.
 */
export async function redisDeviationNotices(url: string, log: Logger, handlers: DeviationNoticeHandlers): Promise<DeviationNotices> {
  const [pub, sub] = await Promise.all([connectRedis(url, 'deviations-pub', log), connectRedis(url, 'deviations-sub', log)]);
  const channel = channelOf('ronda-deviations', sub);
  // Every instance hears its own publishes too; its engine already has the change.
  const origin = randomUUID();
  sub.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    const notice = parseNotice(text, origin);
    if (notice) handlers.onNotice(notice);
  });
  await sub.subscribe(channel);
  let ready = true;
  sub.on('close', () => (ready = false));
  // ioredis subscribes again on its own after a reconnect, right as it emits 'ready': a reload
  // started then misses nothing published after it.
  sub.on('ready', () => {
    if (ready) return;
    ready = true;
    handlers.onResubscribed();
  });
  return {
    publish(notice) {
      pub.publish(channel, JSON.stringify({ origin, ...notice })).catch((err: Error) => {
        log.warn({ err: err.message, ...notice }, "deviation notice not published: other instances keep the previous plan, rules or visits until a restart or the team's next day");
      });
    },
    async close() {
      await Promise.all([closeRedis(pub), closeRedis(sub)]);
    },
  };
}

function parseNotice(text: string, self: string): DeviationNotice | null {
  try {
    const m = JSON.parse(text) as Record<string, unknown>;
    if (m.origin === self || !Number.isSafeInteger(m.teamId)) return null;
    const teamId = m.teamId as number;
    if (m.change === 'plan' || m.change === 'rules') return { teamId, change: m.change };
    const ids = m.visitIds;
    if (m.change !== 'visits' || !Array.isArray(ids) || ids.length === 0 || ids.length > MAX_NOTICE_VISITS || !ids.every((id) => Number.isSafeInteger(id))) return null;
    return { teamId, change: 'visits', visitIds: ids as number[] };
  } catch {
    return null;
  }
}
