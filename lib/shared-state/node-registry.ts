// The node registry: every server process with REDIS_URL is a node that announces itself
// (id, public URL, load) with a heartbeat that expires. A node whose heartbeat expired is
// dead; exactly one live node wins the right to clean up after it (claimDeath).
import { z } from "zod";
import type Redis from "ioredis";

export const nodeStateSchema = z.enum(["ready", "draining"]);
export const nodeInfoSchema = z.object({
  id: z.string().min(1).max(64),
  /** NODE_PUBLIC_URL: where browsers reach its pages and /ws. */
  publicUrl: z.string().max(512),
  state: nodeStateSchema,
  /** Joined peers on the node. */
  peers: z.number().int().min(0),
  /** Live rooms on the node. */
  rooms: z.number().int().min(0),
  startedAt: z.number(),
  heartbeatAt: z.number(),
});
export type NodeInfo = z.infer<typeof nodeInfoSchema>;
export type NodeState = z.infer<typeof nodeStateSchema>;

export interface NodeRegistryStore {
  /** Announces (or refreshes) the node; it is live for `ttlMs` from now. */
  heartbeat(info: NodeInfo, ttlMs: number): Promise<void>;
  /** Clean shutdown: the node leaves at once (not "dead"). */
  remove(nodeId: string): Promise<void>;
  /** Nodes whose heartbeat has not expired. */
  live(): Promise<NodeInfo[]>;
  /** Nodes known to the registry whose heartbeat expired (not cleaned up yet). */
  dead(): Promise<string[]>;
  /** True for exactly one caller per death (a lock with a TTL, in case the winner dies too). */
  claimDeath(nodeId: string, byNodeId: string, ttlMs: number): Promise<boolean>;
  /** Forget a dead node after its rooms were re-placed. */
  forget(nodeId: string): Promise<void>;
}

export class MemoryNodeRegistry implements NodeRegistryStore {
  private readonly nodes = new Map<string, { info: NodeInfo; expiresAt: number }>();
  private readonly deaths = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async heartbeat(info: NodeInfo, ttlMs: number) {
    this.nodes.set(info.id, { info, expiresAt: this.now() + ttlMs });
    this.deaths.delete(info.id);
  }
  async remove(nodeId: string) {
    this.nodes.delete(nodeId);
  }
  async live() {
    const now = this.now();
    return [...this.nodes.values()].filter((n) => n.expiresAt > now).map((n) => n.info);
  }
  async dead() {
    const now = this.now();
    return [...this.nodes.entries()].filter(([, n]) => n.expiresAt <= now).map(([id]) => id);
  }
  async claimDeath(nodeId: string, _by: string, ttlMs: number) {
    const now = this.now();
    if ((this.deaths.get(nodeId) ?? 0) > now) return false;
    this.deaths.set(nodeId, now + ttlMs);
    return true;
  }
  async forget(nodeId: string) {
    const n = this.nodes.get(nodeId);
    if (n && n.expiresAt <= this.now()) this.nodes.delete(nodeId);
  }
}

/**
 * Redis layout: `<prefix>node:<id>` = JSON NodeInfo (PX ttl: its existence is the
 * heartbeat, timed by Redis, so node clocks do not matter); `<prefix>nodes` = set of known
 * ids (a member whose key is gone is dead); `<prefix>death:<id>` = cleanup lock.
 */
export class RedisNodeRegistry implements NodeRegistryStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private nodeKey(id: string) {
    return `${this.prefix}node:${id}`;
  }
  private get setKey() {
    return `${this.prefix}nodes`;
  }

  async heartbeat(info: NodeInfo, ttlMs: number) {
    await this.redis
      .multi()
      .set(this.nodeKey(info.id), JSON.stringify(info), "PX", Math.ceil(ttlMs))
      .sadd(this.setKey, info.id)
      .del(`${this.prefix}death:${info.id}`)
      .exec();
  }

  async remove(nodeId: string) {
    await this.redis.multi().del(this.nodeKey(nodeId)).srem(this.setKey, nodeId).exec();
  }

  private async known(): Promise<{ id: string; raw: string | null }[]> {
    const ids = await this.redis.smembers(this.setKey);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map((id) => this.nodeKey(id)));
    return ids.map((id, i) => ({ id, raw: raws[i] }));
  }

  async live() {
    const out: NodeInfo[] = [];
    for (const { raw } of await this.known()) {
      if (raw === null) continue;
      try {
        const parsed = nodeInfoSchema.safeParse(JSON.parse(raw));
        if (parsed.success) out.push(parsed.data);
      } catch {
        // a malformed entry is ignored (it expires)
      }
    }
    return out;
  }

  async dead() {
    return (await this.known()).filter((n) => n.raw === null).map((n) => n.id);
  }

  async claimDeath(nodeId: string, byNodeId: string, ttlMs: number) {
    return (await this.redis.set(`${this.prefix}death:${nodeId}`, byNodeId, "PX", Math.ceil(ttlMs), "NX")) === "OK";
  }

  async forget(nodeId: string) {
    // Only if it is still dead (it may have come back in the meantime).
    if ((await this.redis.exists(this.nodeKey(nodeId))) === 0) await this.redis.srem(this.setKey, nodeId);
  }
}
