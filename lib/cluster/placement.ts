// Which node hosts a room. The first join token for a room places it on the least-loaded
// live node; later ones find it there for as long as that node lives. A placement on a node
// that is no longer live (dead, or gone after a clean shutdown) is moved to a live one, so
// the clients' full rejoin after a node death lands on a live node.
import { WS_PATH } from "../signaling/protocol";
import type { NodeInfo } from "../shared-state/node-registry";
import type { ClusterContext } from "../shared-state/process";

export type RoomPlacementResult = {
  nodeId: string;
  /** NODE_PUBLIC_URL of that node. */
  publicUrl: string;
  /** ws(s)://…/ws of that node: where the client opens its signaling socket. */
  signalingUrl: string;
};

/** http(s)://host[/prefix] -> ws(s)://host[/prefix]/ws */
export function signalingUrlOf(publicUrl: string): string {
  return publicUrl.replace(/^http/, "ws").replace(/\/+$/, "") + WS_PATH;
}

/**
 * The least-loaded candidate: nodes accepting rooms ("ready") first; load = joined peers +
 * rooms placed there (placements count at once, before any peer arrives); ties by id.
 */
export function leastLoaded(nodes: readonly NodeInfo[], roomCounts: ReadonlyMap<string, number>): NodeInfo | null {
  let best: NodeInfo | null = null;
  let bestLoad = Infinity;
  for (const n of nodes) {
    if (n.state !== "ready") continue;
    const load = n.peers + (roomCounts.get(n.id) ?? n.rooms);
    if (load < bestLoad || (load === bestLoad && best !== null && n.id < best.id)) {
      best = n;
      bestLoad = load;
    }
  }
  return best;
}

function result(node: { id: string; publicUrl: string }): RoomPlacementResult {
  return { nodeId: node.id, publicUrl: node.publicUrl, signalingUrl: signalingUrlOf(node.publicUrl) };
}

/**
 * A client could not reach `host`, and its heartbeat is late (missed at least one beat):
 * treat it as dead now instead of waiting for its registry entry to expire. The late
 * heartbeat is required, so a client cannot move a room off a healthy node.
 */
export function confirmedUnreachable(host: NodeInfo, unreachable: string | undefined, heartbeatMs: number, now = Date.now()): boolean {
  return unreachable === signalingUrlOf(host.publicUrl) && now - host.heartbeatAt > 1.5 * heartbeatMs;
}

/**
 * Places `roomId` (or finds where it is). Needs a clustered context. Throws if the store is
 * unreachable. `unreachable`: the signaling URL the asking client failed to connect to.
 */
export async function placeRoom(
  ctx: ClusterContext,
  roomId: string,
  options: { unreachable?: string } = {},
): Promise<RoomPlacementResult> {
  const { state } = ctx;
  const self = { id: ctx.nodeId, publicUrl: ctx.publicUrl ?? "" };
  const [current, registered] = await Promise.all([state.placement.get(roomId), state.nodes.live()]);
  const live = registered.filter((n) => !confirmedUnreachable(n, options.unreachable, ctx.heartbeatMs));
  const byId = new Map(live.map((n) => [n.id, n]));
  if (current !== null) {
    const host = byId.get(current);
    if (host) return result(host);
  }
  const counts = await state.placement.roomCounts(live.map((n) => n.id));
  // No ready node registered (e.g. this node's first heartbeat is still in flight): host here.
  const chosen = leastLoaded(live, counts) ?? self;
  const winner =
    current === null
      ? await state.placement.claim(roomId, chosen.id, ctx.placementTtlMs)
      : await state.placement.move(roomId, current, chosen.id, ctx.placementTtlMs);
  if (winner === chosen.id) return result(chosen);
  // Another request placed it first: use its choice.
  const host = byId.get(winner) ?? (await state.nodes.live()).find((n) => n.id === winner);
  return result(host ?? self);
}

/** A participant's node holds this long in the room's edge list until that node refreshes it. */
export const EDGE_TTL_MS = 60_000;

/**
 * Where one more participant of `roomId` goes: the room's home node, or — when the home has
 * NODE_MAX_PEERS joined peers already — another node that then hosts part of the room
 * (an edge, cascaded with the home over PipeTransports: server/cluster/cascade.ts). Edges
 * already serving the room are preferred while they have room.
 */
export async function placeParticipant(
  ctx: ClusterContext,
  roomId: string,
  options: { unreachable?: string } = {},
): Promise<RoomPlacementResult & { home: string }> {
  const home = await placeRoom(ctx, roomId, options);
  const max = ctx.maxPeersPerNode ?? 0;
  if (max <= 0) return { ...home, home: home.nodeId };
  const live = (await ctx.state.nodes.live()).filter((n) => !confirmedUnreachable(n, options.unreachable, ctx.heartbeatMs));
  const full = (n: NodeInfo) => n.peers >= max;
  const homeInfo = live.find((n) => n.id === home.nodeId);
  // A home whose heartbeat is late may be dying: its "full" is stale, and an edge of a dead
  // home would be a room cut in two. Its clients come back once it is given up.
  const late = homeInfo !== undefined && Date.now() - homeInfo.heartbeatAt > 1.5 * ctx.heartbeatMs;
  if (!homeInfo || late || !full(homeInfo)) return { ...home, home: home.nodeId };
  const edges = new Set(await ctx.state.placement.edges(roomId));
  const candidates = live.filter((n) => n.id !== home.nodeId && n.state === "ready" && !full(n));
  const existing = candidates.filter((n) => edges.has(n.id));
  const counts = await ctx.state.placement.roomCounts(candidates.map((n) => n.id));
  const edge = leastLoaded(existing.length ? existing : candidates, counts);
  if (!edge) return { ...home, home: home.nodeId }; // everyone is full: the home takes it
  await ctx.state.placement.addEdge(roomId, edge.id, EDGE_TTL_MS);
  return { ...result(edge), home: home.nodeId };
}
