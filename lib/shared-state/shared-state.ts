// The state that must be shared when the site runs as several nodes, behind one interface
// with two implementations: this process's memory (the default, one node) and Redis
// (REDIS_URL). lib/shared-state/process.ts holds the process-wide instance.
import type { EventBus } from "./event-bus";
import type { FailureLimiter, FailureLimiterOptions } from "./failure-limiter";
import type { NodeRegistryStore } from "./node-registry";
import type { RoomPlacementStore } from "./room-placement";
import type { TokenDenyList } from "./token-deny-list";

export interface SharedState {
  readonly kind: "memory" | "redis";
  /** The limiter called `name` (same options every call; one instance per name). */
  failureLimiter(name: string, options: FailureLimiterOptions): FailureLimiter;
  readonly deniedTokens: TokenDenyList;
  readonly placement: RoomPlacementStore;
  readonly nodes: NodeRegistryStore;
  readonly events: EventBus;
  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
