// One process, no extra service: everything in this process's memory (the default).
import { FailureRateLimiter } from "../auth/rate-limit";
import { MemoryEventBus } from "./event-bus";
import type { FailureLimiter } from "./failure-limiter";
import { MemoryNodeRegistry } from "./node-registry";
import { MemoryRoomPlacement } from "./room-placement";
import type { SharedState } from "./shared-state";
import { MemoryTokenDenyList } from "./token-deny-list";

export function createMemorySharedState(
  options: { nodeId?: string; now?: () => number; onError?: (err: unknown) => void } = {},
): SharedState {
  const now = options.now ?? Date.now;
  const limiters = new Map<string, FailureLimiter>();
  return {
    kind: "memory",
    failureLimiter(name, opts) {
      let l = limiters.get(name);
      if (!l) limiters.set(name, (l = new FailureRateLimiter({ ...opts, now })));
      return l;
    },
    deniedTokens: new MemoryTokenDenyList(now),
    placement: new MemoryRoomPlacement(now),
    nodes: new MemoryNodeRegistry(now),
    events: new MemoryEventBus(options.nodeId ?? "local", options.onError),
    async ping() {},
    async close() {},
  };
}
