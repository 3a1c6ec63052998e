// The process-wide shared state and node identity, installed by server/index.ts at start
// and read by Next route handlers running in the same process (on globalThis because Next
// bundles its own copies of these modules). Nothing installed = one node, in memory.
// No implementation is imported here, so pages never pull in the Redis client.
import type { SharedState } from "./shared-state";

export type ClusterContext = {
  state: SharedState;
  /** This process's node id (config.nodeId). */
  nodeId: string;
  /** REDIS_URL is set: rooms are placed on nodes and tokens name their node. */
  clustered: boolean;
  /** This node's NODE_PUBLIC_URL (clustered only). */
  publicUrl?: string;
  /** How long a placement made for a join token lasts until its node refreshes it. */
  placementTtlMs: number;
  /** NODE_HEARTBEAT_MS (a node whose heartbeat is this late has missed a beat). */
  heartbeatMs: number;
  /** NODE_MAX_PEERS: beyond this many joined peers a room's home node is full (0: never). */
  maxPeersPerNode?: number;
};

const slot = globalThis as unknown as { __meetCluster?: ClusterContext };

export function installClusterContext(ctx: ClusterContext): void {
  slot.__meetCluster = ctx;
}

export function uninstallClusterContext(): void {
  delete slot.__meetCluster;
}

/** The installed context, or null when the process runs without the custom server (tests). */
export function clusterContext(): ClusterContext | null {
  return slot.__meetCluster ?? null;
}

/** The installed shared state, or null (callers then use their own in-memory default). */
export function installedSharedState(): SharedState | null {
  return slot.__meetCluster?.state ?? null;
}
