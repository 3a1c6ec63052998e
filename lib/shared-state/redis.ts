// Several nodes: the shared state in Redis (REDIS_URL). Two connections: commands, and one
// in subscribe mode for the event bus. Commands fail fast while Redis is unreachable (no
// offline queue), so a request never hangs on it; ioredis reconnects by itself.
import Redis from "ioredis";
import { RedisEventBus } from "./event-bus";
import { RedisFailureLimiter, type FailureLimiter } from "./failure-limiter";
import { RedisNodeRegistry } from "./node-registry";
import { RedisRoomPlacement } from "./room-placement";
import type { SharedState } from "./shared-state";
import { RedisTokenDenyList } from "./token-deny-list";

export type RedisSharedStateOptions = {
  url: string;
  nodeId: string;
  /** Key and channel prefix (default "meet:"): several sites or tests can share one Redis. */
  prefix?: string;
  now?: () => number;
  onError?: (err: unknown) => void;
};

export async function createRedisSharedState(options: RedisSharedStateOptions): Promise<SharedState> {
  const prefix = options.prefix ?? "meet:";
  const onError = options.onError ?? (() => {});
  const common = {
    lazyConnect: true,
    connectTimeout: 3000,
    commandTimeout: 3000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) => Math.min(2000, 100 * times),
    connectionName: `meet:${options.nodeId}`,
  };
  const redis = new Redis(options.url, { ...common, enableOfflineQueue: false });
  // The subscriber queues its SUBSCRIBE while (re)connecting; ioredis re-subscribes itself.
  const subscriber = new Redis(options.url, { ...common, commandTimeout: undefined, enableOfflineQueue: true });
  let lastError = "";
  for (const conn of [redis, subscriber]) {
    conn.on("error", (err: Error) => {
      // ioredis repeats the same connection error on every retry: report changes only
      if (err.message !== lastError) onError(err);
      lastError = err.message;
    });
    conn.on("ready", () => (lastError = ""));
  }
  try {
    await Promise.all([redis.connect(), subscriber.connect()]);
  } catch (err) {
    redis.disconnect();
    subscriber.disconnect();
    throw new Error(`cannot connect to Redis at ${redactUrl(options.url)}: ${(err as Error).message}`);
  }
  const events = new RedisEventBus(redis, subscriber, prefix, options.nodeId, onError);
  await events.ready();

  const limiters = new Map<string, FailureLimiter>();
  return {
    kind: "redis",
    failureLimiter(name, opts) {
      let l = limiters.get(name);
      if (!l) limiters.set(name, (l = new RedisFailureLimiter(redis, `${prefix}rl:${name}:`, { ...opts, now: options.now })));
      return l;
    },
    deniedTokens: new RedisTokenDenyList(redis, `${prefix}revoked:`, options.now),
    placement: new RedisRoomPlacement(redis, prefix),
    nodes: new RedisNodeRegistry(redis, prefix),
    events,
    async ping() {
      const pong = await redis.ping();
      if (pong !== "PONG") throw new Error(`unexpected PING answer ${pong}`);
    },
    async close() {
      await events.close();
      await Promise.allSettled([redis.quit(), subscriber.quit()]);
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}

/** The URL without its password (for logs). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<invalid url>";
  }
}
