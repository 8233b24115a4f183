import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { closeRedis, connectRedis } from '../lib/redis-connection.ts';

/** What changed for a team's deviation engine: the receiver reads the change itself from the database. */
export interface DeviationNotice {
  teamId: number;
  change: 'plan' | 'rules';
}

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
 * SPEC §8: with REDIS_URL, a plan stored or rules changed through one instance reach the deviation
 * engines of the others. A notice only says which team changed; receivers read the plan or rules
 * from PostgreSQL, the source of truth, so a lost, late or forged notice costs at most a reload.
 * Pub/sub ignores Redis' database number, so the channel carries it: deployments kept apart by
 * database number (as keys are) do not reload on each other's notices.
 */
export async function redisDeviationNotices(url: string, log: Logger, handlers: DeviationNoticeHandlers): Promise<DeviationNotices> {
  const [pub, sub] = await Promise.all([connectRedis(url, 'deviations-pub', log), connectRedis(url, 'deviations-sub', log)]);
  const channel = `ronda-deviations:${sub.options.db ?? 0}`;
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
      pub.publish(channel, JSON.stringify({ origin, teamId: notice.teamId, change: notice.change })).catch((err: Error) => {
        log.warn({ err: err.message, ...notice }, "deviation notice not published: other instances keep the previous plan or rules until a restart or the team's next day");
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
    if (m.origin === self || !Number.isSafeInteger(m.teamId) || (m.change !== 'plan' && m.change !== 'rules')) return null;
    return { teamId: m.teamId as number, change: m.change };
  } catch {
    return null;
  }
}
