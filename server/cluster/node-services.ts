// Everything that makes this process one node: the shared state (memory, or Redis with
// REDIS_URL), the process-wide cluster context the Next routes read, join-token admission,
// and — with several nodes — the registry heartbeat (ClusterNode). server/index.ts calls
// start() before the SFU, startNode() once it listens, drain()/close() on shutdown.
import { createMemorySharedState } from "../../lib/shared-state/memory";
import { installClusterContext, uninstallClusterContext, type ClusterContext } from "../../lib/shared-state/process";
import { createRedisSharedState, redactUrl } from "../../lib/shared-state/redis";
import type { SharedState } from "../../lib/shared-state/shared-state";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { createAdmission, type Admission } from "./admission";
import { ClusterNode, type LocalRooms } from "./cluster-node";

/** A placement made for a join token holds this long until its node refreshes it. */
export const PLACEMENT_TTL_MS = 60_000;

export type NodeConfig = Pick<
  Config,
  "nodeId" | "clustered" | "REDIS_URL" | "NODE_PUBLIC_URL" | "NODE_HEARTBEAT_MS" | "NODE_DEAD_AFTER_MS" | "NODE_MAX_PEERS"
>;

export class NodeServices {
  private node: ClusterNode | null = null;

  private constructor(
    readonly config: NodeConfig,
    readonly state: SharedState,
    readonly context: ClusterContext,
    readonly admission: Admission,
    private readonly log: Logger,
  ) {}

  static async start(config: NodeConfig, logger: Logger): Promise<NodeServices> {
    const log = logger.child({ component: "cluster" });
    const onError = (err: unknown) => log.warn({ err: (err as Error)?.message ?? err }, "shared state");
    const state = config.REDIS_URL
      ? await createRedisSharedState({ url: config.REDIS_URL, nodeId: config.nodeId, onError })
      : createMemorySharedState({ nodeId: config.nodeId, onError });
    if (config.REDIS_URL) log.info({ redis: redactUrl(config.REDIS_URL), node: config.nodeId }, "shared state in Redis");
    const context: ClusterContext = {
      state,
      nodeId: config.nodeId,
      clustered: config.clustered,
      publicUrl: config.NODE_PUBLIC_URL,
      placementTtlMs: PLACEMENT_TTL_MS,
      heartbeatMs: config.NODE_HEARTBEAT_MS,
      maxPeersPerNode: config.NODE_MAX_PEERS,
    };
    installClusterContext(context);
    const admission = createAdmission({
      state,
      nodeId: config.nodeId,
      clustered: config.clustered,
      placementTtlMs: PLACEMENT_TTL_MS,
      logger: log,
    });
    return new NodeServices(config, state, context, admission, log);
  }

  /**
   * Which nodes' open history rows are stale at start: this node's, and those of nodes the
   * registry knows as dead. Undefined with one node (every open row is stale).
   */
  async staleNodeIds(): Promise<string[] | undefined> {
    if (!this.config.clustered) return undefined;
    const dead = await this.state.nodes.dead();
    return [this.config.nodeId, ...dead.filter((id) => id !== this.config.nodeId)];
  }

  /**
   * Several nodes: may this node continue an open meeting session hosted by `nodeId`? Yes
   * for its own previous run and for nodes that are not live (dead, gone, or late with their
   * heartbeat: the room only comes here once its node was given up). Undefined with one
   * node (every start begins new sessions, as before).
   */
  get adoptable(): ((nodeId: string | null) => Promise<boolean>) | undefined {
    if (!this.config.clustered) return undefined;
    return async (nodeId) => {
      if (nodeId === null) return false;
      if (nodeId === this.config.nodeId) return true;
      const host = (await this.state.nodes.live()).find((n) => n.id === nodeId);
      return !host || Date.now() - host.heartbeatAt > 1.5 * this.config.NODE_HEARTBEAT_MS;
    };
  }

  /** Several nodes: register and start heartbeating (call once the server listens). */
  async startNode(
    rooms: LocalRooms,
    onNodeDead: (nodeId: string) => Promise<void> | void,
    onTick?: (liveNodes: ReadonlySet<string>) => Promise<void>,
  ): Promise<void> {
    if (!this.config.clustered) return;
    this.node = new ClusterNode({
      state: this.state,
      nodeId: this.config.nodeId,
      publicUrl: this.config.NODE_PUBLIC_URL!,
      rooms,
      logger: this.log,
      heartbeatMs: this.config.NODE_HEARTBEAT_MS,
      deadAfterMs: this.config.NODE_DEAD_AFTER_MS,
      placementTtlMs: PLACEMENT_TTL_MS,
      onNodeDead,
      onTick,
    });
    await this.node.start();
  }

  get clusterNode(): ClusterNode | null {
    return this.node;
  }

  /** Readiness: the shared store answers (always true in memory). */
  ping(): Promise<void> {
    return this.state.ping();
  }

  async drain(): Promise<void> {
    await this.node?.drain();
  }

  async close(): Promise<void> {
    await this.node?.stop();
    uninstallClusterContext();
    await this.state.close();
  }
}
