// Rooms across cores, the policy (pure): which of the room's routers a peer's transports go
// on, or whether the room opens a router on another worker for it.
//
// A router is "full" when its expected consumers reach the threshold: every peer on it
// consumes about two streams (mic + camera) of every other peer of the room, so its load is
// max(consumers it has now, peers on it × 2 × (room size − 1)) — the estimate matters right
// after a burst of joins, before the consumers exist. A newcomer goes on the first router
// (oldest first: fewer routers = fewer pipes) where it still fits; when none fits the room
// opens a router on a worker it does not use yet (least loaded first); when it already spans
// every worker, the least-loaded router of the room takes the newcomer anyway.

export type RouterLoad = { id: string; workerIndex: number; consumers: number; peers: number };
export type WorkerLoad = { index: number; load: number };

export type Placement = { kind: "existing"; id: string } | { kind: "new"; workerIndex: number };

/** ~600 consumers per router: a core forwards ~900-1 000 video consumers (docs/benchmarks.md). */
export const DEFAULT_ROUTER_CONSUMER_THRESHOLD = 600;

/** Streams one peer consumes from each other peer (mic + camera). */
const STREAMS_PER_PEER = 2;

export function expectedLoad(r: RouterLoad, roomSize: number): number {
  return Math.max(r.consumers, r.peers * STREAMS_PER_PEER * Math.max(0, roomSize - 1));
}

/**
 * `routers`: the room's live routers, oldest first. `workers`: every live worker of the pool
 * with its load (transports). `roomSize`: peers in the room counting the newcomer.
 */
export function placePeer(
  routers: ReadonlyArray<RouterLoad>,
  workers: ReadonlyArray<WorkerLoad>,
  opts: { threshold: number; roomSize: number },
): Placement {
  const leastLoaded = (ws: ReadonlyArray<WorkerLoad>) =>
    ws.reduce<WorkerLoad | null>((best, w) => (!best || w.load < best.load ? w : best), null);
  if (routers.length === 0) {
    const w = leastLoaded(workers);
    if (!w) throw new Error("no mediasoup worker is available");
    return { kind: "new", workerIndex: w.index };
  }
  const own = STREAMS_PER_PEER * Math.max(0, opts.roomSize - 1);
  for (const r of routers) {
    // with the newcomer: its own consumers, and the peers there consuming its streams
    const after = Math.max(r.consumers + own + STREAMS_PER_PEER * r.peers, expectedLoad({ ...r, peers: r.peers + 1 }, opts.roomSize));
    // an empty router (its peers left) is always reused before another is opened
    if (r.peers === 0 || after <= opts.threshold) return { kind: "existing", id: r.id };
  }
  const used = new Set(routers.map((r) => r.workerIndex));
  const free = leastLoaded(workers.filter((w) => !used.has(w.index)));
  if (free) return { kind: "new", workerIndex: free.index };
  let best = routers[0];
  for (const r of routers) if (expectedLoad(r, opts.roomSize) < expectedLoad(best, opts.roomSize)) best = r;
  return { kind: "existing", id: best.id };
}
