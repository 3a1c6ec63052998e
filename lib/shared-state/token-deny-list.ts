// Revoked join tokens, shared by every node: entries are ids such as "jti:<token id>" (one
// token) or "mid:<meeting id>" (every token of a cancelled meeting), kept until the tokens
// they cover would have expired anyway.
import type Redis from "ioredis";

export interface TokenDenyList {
  /** Refuse tokens matching `id` until `untilMs` (epoch ms). */
  revoke(id: string, untilMs: number): Promise<void>;
  /** Is any of these ids revoked? */
  anyRevoked(ids: readonly string[]): Promise<boolean>;
}

export class MemoryTokenDenyList implements TokenDenyList {
  private readonly entries = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async revoke(id: string, untilMs: number): Promise<void> {
    const prev = this.entries.get(id) ?? 0;
    if (untilMs > prev) this.entries.set(id, untilMs);
    if (this.entries.size > 10_000) this.sweep();
  }

  async anyRevoked(ids: readonly string[]): Promise<boolean> {
    const now = this.now();
    return ids.some((id) => (this.entries.get(id) ?? 0) > now);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, until] of this.entries) if (until <= now) this.entries.delete(id);
  }
}

export class RedisTokenDenyList implements TokenDenyList {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  async revoke(id: string, untilMs: number): Promise<void> {
    const ttl = Math.ceil(untilMs - this.now());
    if (ttl <= 0) return;
    // GT: never shorten an existing revocation (NX for a new key + GT on an existing one).
    const key = this.keyPrefix + id;
    const set = await this.redis.set(key, "1", "PX", ttl, "NX");
    if (set === null) await this.redis.pexpire(key, ttl, "GT");
  }

  async anyRevoked(ids: readonly string[]): Promise<boolean> {
    if (ids.length === 0) return false;
    return (await this.redis.exists(...ids.map((id) => this.keyPrefix + id))) > 0;
  }
}
