// This process as one node of several (REDIS_URL): it heartbeats into the node registry
// with its load, keeps the placements of its live rooms fresh (and closes a room whose
// placement moved away: another node was told this one was dead), releases rooms that
// closed, and watches for dead nodes: the first live node to notice one moves the dead
// node's rooms to the least-loaded live nodes, closes its history rows and tells the others.
// (Events between nodes: ./room-events.ts.)
import { leastLoaded } from "../../lib/cluster/placement";
import type { NodeInfo, NodeState } from "../../lib/shared-state/node-registry";
import type { SharedState } from "../../lib/shared-state/shared-state";
import type { Logger } from "../logger";
import { metrics } from "../metrics";

/** What the node needs from the SFU side (RoomRegistry fits). */
export interface LocalRooms {
  counts(): { rooms: number; joinedPeers: number };
  all(): { roomId: string; closed: boolean; close(reason: string): void; joinedPeers(): { participantKey: string }[] }[];
  get(roomId: string): { closed: boolean; close(reason: string): void } | undefined;
}

export type ClusterNodeOptions = {
  state: SharedState;
  nodeId: string;
  publicUrl: string;
  rooms: LocalRooms;
  logger: Logger;
  heartbeatMs: number;
  deadAfterMs: number;
  /** TTL of a live room's placement (refreshed every heartbeat). */
  placementTtlMs: number;
  /** A node was declared dead by this node (close its history rows…). Errors are logged. */
  onNodeDead?: (nodeId: string) => Promise<void> | void;
  /** Every heartbeat, with the live node ids (cascade links). */
  onTick?: (liveNodes: ReadonlySet<string>) => Promise<void>;
};

export class ClusterNode {
  private nodeState: NodeState = "ready";
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private placedRooms = new Set<string>();
  private stopped = false;
  private lastError = "";
  private nodeOrigins = new Set<string>();
  private liveNodes = new Set<string>();
  private readonly log: Logger;

  constructor(private readonly o: ClusterNodeOptions) {
    this.log = o.logger.child({ component: "cluster", node: o.nodeId });
  }

  get id(): string {
    return this.o.nodeId;
  }

  get state(): NodeState {
    return this.nodeState;
  }

  /** First heartbeat (throws if the registry cannot be reached), then the periodic loop. */
  async start(): Promise<void> {
    await this.heartbeat();
    this.timer = setInterval(() => void this.tick(), this.o.heartbeatMs);
    this.timer.unref();
    this.log.info({ publicUrl: this.o.publicUrl }, "node registered");
  }

  /** Stop taking new rooms (shutdown begins): placement skips draining nodes. */
  async drain(): Promise<void> {
    this.nodeState = "draining";
    await this.heartbeat().catch((err: unknown) => this.reportError(err));
  }

  /** Clean leave: release this node's placements and deregister (not a death). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking?.catch(() => undefined);
    const { state, nodeId } = this.o;
    try {
      const rooms = new Set([...this.placedRooms, ...this.o.rooms.all().map((r) => r.roomId)]);
      await Promise.all([...rooms].map((r) => state.placement.release(r, nodeId)));
      await state.nodes.remove(nodeId);
    } catch (err) {
      this.log.warn({ err }, "could not deregister cleanly (the others will declare this node dead)");
    }
  }

  private info(): NodeInfo {
    const c = this.o.rooms.counts();
    // participants hosted here (not the remote peers of cascaded rooms: their node counts them)
    let peers = 0;
    for (const room of this.o.rooms.all()) peers += room.joinedPeers().filter((p) => !p.participantKey.startsWith("remote:")).length;
    return {
      id: this.o.nodeId,
      publicUrl: this.o.publicUrl,
      state: this.nodeState,
      peers,
      rooms: c.rooms,
      startedAt: this.startedAt,
      heartbeatAt: Date.now(),
    };
  }

  private heartbeat(): Promise<void> {
    return this.o.state.nodes.heartbeat(this.info(), this.o.deadAfterMs);
  }

  /** One round (never overlapping): heartbeat, room placements, dead nodes. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      try {
        await this.heartbeat();
        await this.refreshOrigins();
        await this.refreshPlacements();
        await this.sweepDeadNodes();
        await this.o.onTick?.(this.liveNodes);
        if (this.lastError) this.log.info("shared state reachable again");
        this.lastError = "";
      } catch (err) {
        this.reportError(err);
      } finally {
        this.ticking = null;
      }
    })();
    return this.ticking;
  }

  private reportError(err: unknown): void {
    const msg = (err as Error)?.message ?? String(err);
    if (msg !== this.lastError) this.log.error({ err }, "cluster heartbeat failed");
    this.lastError = msg;
  }

  /** Is `origin` the origin of a live node of this site (pages of node A may open /ws on node B)? */
  isNodeOrigin(origin: string): boolean {
    return this.nodeOrigins.has(origin);
  }

  private async refreshOrigins(): Promise<void> {
    const origins = new Set<string>();
    const live = await this.o.state.nodes.live();
    this.liveNodes = new Set(live.map((n) => n.id));
    for (const n of live) {
      try {
        origins.add(new URL(n.publicUrl).origin);
      } catch {
        // not a URL: ignored
      }
    }
    this.nodeOrigins = origins;
  }

  private async refreshPlacements(): Promise<void> {
    const { state, nodeId, placementTtlMs } = this.o;
    const live = this.o.rooms.all().filter((r) => !r.closed);
    const now = new Set(live.map((r) => r.roomId));
    await Promise.all(
      live.map(async (room) => {
        const ours =
          (await state.placement.refresh(room.roomId, nodeId, placementTtlMs)) ||
          // expired (e.g. Redis restarted empty): claim it back unless someone else has it
          (await state.placement.claim(room.roomId, nodeId, placementTtlMs)) === nodeId;
        // a cascaded room: this node hosts part of it (its home is another node)
        const edge = !ours && (await state.placement.edges(room.roomId)).includes(nodeId);
        if (!ours && !edge && !room.closed) {
          // Another node hosts it now (this one was declared dead): its peers rejoin there.
          this.log.warn({ roomId: room.roomId }, "room was placed on another node; closing it here");
          room.close("room moved to another node");
        }
      }),
    );
    for (const roomId of this.placedRooms) {
      if (!now.has(roomId)) await state.placement.release(roomId, nodeId);
    }
    this.placedRooms = now;
  }

  private async sweepDeadNodes(): Promise<void> {
    const { state, nodeId } = this.o;
    const dead = (await state.nodes.dead()).filter((id) => id !== nodeId);
    for (const deadId of dead) {
      if (!(await state.nodes.claimDeath(deadId, nodeId, Math.max(30_000, 5 * this.o.deadAfterMs)))) continue;
      await this.handleDeath(deadId);
    }
  }

  private async handleDeath(deadId: string): Promise<void> {
    const { state } = this.o;
    const rooms = await state.placement.roomsOf(deadId);
    const live = (await state.nodes.live()).filter((n) => n.id !== deadId);
    const moved: string[] = [];
    for (const roomId of rooms) {
      const counts = await state.placement.roomCounts(live.map((n) => n.id));
      const target = leastLoaded(live, counts);
      if (!target) {
        await state.placement.release(roomId, deadId); // nobody live: the next token places it
        continue;
      }
      await state.placement.move(roomId, deadId, target.id, this.o.placementTtlMs);
      moved.push(roomId);
    }
    this.log.warn({ dead: deadId, rooms: rooms.length }, "node declared dead; its rooms were placed again");
    metrics().nodeDeaths.inc();
    metrics().roomsReplaced.inc(moved.length);
    try {
      await this.o.onNodeDead?.(deadId);
    } catch (err) {
      this.log.error({ err, dead: deadId }, "dead-node cleanup failed");
    }
    await state.events.publish({ type: "nodeDead", nodeId: deadId, rooms });
    await state.nodes.forget(deadId);
  }
}
