// Room placement: roomId -> the node that hosts it, with a TTL its node keeps refreshing
// while the room is live. Every change is a compare-and-set, so two nodes placing the same
// room at once agree on one winner.
import type Redis from "ioredis";
import { LuaScript } from "./redis-script";

export interface RoomPlacementStore {
  get(roomId: string): Promise<string | null>;
  /** Places the room on `nodeId` unless it is already placed; returns the node it is on. */
  claim(roomId: string, nodeId: string, ttlMs: number): Promise<string>;
  /** Moves the room from `from` to `to` if it is still on `from` (or unplaced); returns where it is. */
  move(roomId: string, from: string, to: string, ttlMs: number): Promise<string>;
  /** Extends the TTL if the room is still on `nodeId`; false if it is not (moved or expired). */
  refresh(roomId: string, nodeId: string, ttlMs: number): Promise<boolean>;
  /** Removes the placement if it is on `nodeId`. */
  release(roomId: string, nodeId: string): Promise<void>;
  /** Rooms currently placed on `nodeId`. */
  roomsOf(nodeId: string): Promise<string[]>;
  /** Number of rooms placed on each node (for least-loaded placement). */
  roomCounts(nodeIds: readonly string[]): Promise<Map<string, number>>;
  /** Cascade: `nodeId` also hosts participants of the room (its home node is full), for `ttlMs`. */
  addEdge(roomId: string, nodeId: string, ttlMs: number): Promise<void>;
  /** Nodes other than the home that host participants of the room. */
  edges(roomId: string): Promise<string[]>;
  removeEdge(roomId: string, nodeId: string): Promise<void>;
}

export class MemoryRoomPlacement implements RoomPlacementStore {
  private readonly rooms = new Map<string, { nodeId: string; expiresAt: number }>();
  private readonly roomEdges = new Map<string, Map<string, number>>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(roomId: string): string | null {
    const e = this.rooms.get(roomId);
    if (!e) return null;
    if (e.expiresAt <= this.now()) {
      this.rooms.delete(roomId);
      return null;
    }
    return e.nodeId;
  }

  async get(roomId: string) {
    return this.live(roomId);
  }

  async claim(roomId: string, nodeId: string, ttlMs: number) {
    const current = this.live(roomId);
    if (current) return current;
    this.rooms.set(roomId, { nodeId, expiresAt: this.now() + ttlMs });
    return nodeId;
  }

  async move(roomId: string, from: string, to: string, ttlMs: number) {
    const current = this.live(roomId);
    if (current !== null && current !== from) return current;
    this.rooms.set(roomId, { nodeId: to, expiresAt: this.now() + ttlMs });
    return to;
  }

  async refresh(roomId: string, nodeId: string, ttlMs: number) {
    if (this.live(roomId) !== nodeId) return false;
    this.rooms.set(roomId, { nodeId, expiresAt: this.now() + ttlMs });
    return true;
  }

  async release(roomId: string, nodeId: string) {
    if (this.live(roomId) === nodeId) this.rooms.delete(roomId);
  }

  async roomsOf(nodeId: string) {
    return [...this.rooms.keys()].filter((r) => this.live(r) === nodeId);
  }

  async roomCounts(nodeIds: readonly string[]) {
    const counts = new Map(nodeIds.map((id) => [id, 0]));
    for (const roomId of [...this.rooms.keys()]) {
      const n = this.live(roomId);
      if (n !== null && counts.has(n)) counts.set(n, counts.get(n)! + 1);
    }
    return counts;
  }

  async addEdge(roomId: string, nodeId: string, ttlMs: number) {
    let e = this.roomEdges.get(roomId);
    if (!e) this.roomEdges.set(roomId, (e = new Map()));
    e.set(nodeId, this.now() + ttlMs);
  }

  async edges(roomId: string) {
    const now = this.now();
    return [...(this.roomEdges.get(roomId) ?? new Map<string, number>()).entries()].filter(([, t]) => t > now).map(([n]) => n);
  }

  async removeEdge(roomId: string, nodeId: string) {
    this.roomEdges.get(roomId)?.delete(nodeId);
  }
}

// KEYS[1] = room key, KEYS[2] = new node's room set, KEYS[3] = old node's room set (move)
const CLAIM = new LuaScript(`
local cur = redis.call('GET', KEYS[1])
if cur then return cur end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
return ARGV[1]
`);
const MOVE = new LuaScript(`
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return cur end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('SREM', KEYS[3], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[4])
return ARGV[2]
`);
const REFRESH = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
return 1
`);
// KEYS[1] = edge set; ARGV: now, expiry, node. The key lives as long as its latest edge.
const ADD_EDGE = new LuaScript(`
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], top[2])
return 1
`);
const RELEASE = new LuaScript(`
redis.call('SREM', KEYS[2], ARGV[2])
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`);

/**
 * Redis layout: `<prefix>room:<roomId>` = nodeId (PX ttl); `<prefix>noderooms:<nodeId>` =
 * set of room ids placed there (may hold expired ones: cleaned when read).
 */
export class RedisRoomPlacement implements RoomPlacementStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private roomKey(roomId: string) {
    return `${this.prefix}room:${roomId}`;
  }
  private setKey(nodeId: string) {
    return `${this.prefix}noderooms:${nodeId}`;
  }

  get(roomId: string) {
    return this.redis.get(this.roomKey(roomId));
  }

  async claim(roomId: string, nodeId: string, ttlMs: number) {
    return (await CLAIM.run(this.redis, [this.roomKey(roomId), this.setKey(nodeId)], [nodeId, Math.ceil(ttlMs), roomId])) as string;
  }

  async move(roomId: string, from: string, to: string, ttlMs: number) {
    return (await MOVE.run(
      this.redis,
      [this.roomKey(roomId), this.setKey(to), this.setKey(from)],
      [from, to, Math.ceil(ttlMs), roomId],
    )) as string;
  }

  async refresh(roomId: string, nodeId: string, ttlMs: number) {
    return (await REFRESH.run(this.redis, [this.roomKey(roomId), this.setKey(nodeId)], [nodeId, Math.ceil(ttlMs), roomId])) === 1;
  }

  async release(roomId: string, nodeId: string) {
    await RELEASE.run(this.redis, [this.roomKey(roomId), this.setKey(nodeId)], [nodeId, roomId]);
  }

  async roomsOf(nodeId: string) {
    const members = await this.redis.smembers(this.setKey(nodeId));
    if (members.length === 0) return [];
    const owners = await this.redis.mget(...members.map((r) => this.roomKey(r)));
    const mine: string[] = [];
    const stale: string[] = [];
    members.forEach((r, i) => (owners[i] === nodeId ? mine : stale).push(r));
    if (stale.length) await this.redis.srem(this.setKey(nodeId), ...stale);
    return mine;
  }

  async roomCounts(nodeIds: readonly string[]) {
    const counts = new Map<string, number>();
    await Promise.all(nodeIds.map(async (id) => counts.set(id, (await this.roomsOf(id)).length)));
    return counts;
  }

  // `<prefix>roomedges:<roomId>`: sorted set of edge node ids, score = expiry (ms)
  private edgeKey(roomId: string) {
    return `${this.prefix}roomedges:${roomId}`;
  }

  async addEdge(roomId: string, nodeId: string, ttlMs: number) {
    await ADD_EDGE.run(this.redis, [this.edgeKey(roomId)], [Date.now(), Math.ceil(Date.now() + ttlMs), nodeId]);
  }

  async edges(roomId: string) {
    return this.redis.zrangebyscore(this.edgeKey(roomId), Date.now(), "+inf");
  }

  async removeEdge(roomId: string, nodeId: string) {
    await this.redis.zrem(this.edgeKey(roomId), nodeId);
  }
}
