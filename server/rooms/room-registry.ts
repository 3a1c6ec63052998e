// roomId -> Room. Rooms are created on demand on the least-loaded worker and removed when
// they close (last peer gone, or no worker left to move to).
import type { Logger } from "../logger";
import type { WorkerPool } from "../sfu/worker-pool";
import { openMeetingGate, type MeetingGate } from "./meeting-gate";
import type { IngestOptions } from "./ingest";
import { Room } from "./room";
import type { ChatArchive } from "./room-chat";
import type { RoomObserver } from "./room-observer";

export type RegistryCounts = {
  workers: number;
  rooms: number;
  peers: number;
  joinedPeers: number;
  /** Joined peers whose socket is lost, kept for their grace period. */
  reconnectingPeers: number;
  transports: number;
  producers: number;
  /** Producers paused on the server (camera off, muted mic): nothing of them is forwarded. */
  pausedProducers: number;
  consumers: number;
  /** Consumers paused because their viewer cannot see them (per-viewer layers). */
  hiddenConsumers: number;
  /** Routers of all rooms (a room spanning two workers has two). */
  routers: number;
};

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly pending = new Map<string, Promise<Room>>();
  private closed = false;

  constructor(
    private readonly options: {
      pool: WorkerPool;
      maxPeersPerRoom: number;
      observer: RoomObserver;
      logger: Logger;
      qualityIntervalMs?: number;
      reconnectGraceMs?: number;
      routerConsumerThreshold?: number;
      /** Token revocation + meeting settings (server/index.ts: the database gate). */
      gate?: MeetingGate;
      ingest?: IngestOptions;
      chatArchive?: ChatArchive;
    },
  ) {
    this.gate = options.gate ?? openMeetingGate;
  }

  readonly gate: MeetingGate;

  get(roomId: string): Room | undefined {
    return this.rooms.get(roomId);
  }

  /** The live Room for roomId, creating it (once, even under concurrent calls) if needed. */
  async getOrCreate(roomId: string): Promise<Room> {
    if (this.closed) throw new Error("server is shutting down");
    const existing = this.rooms.get(roomId);
    if (existing && !existing.closed) return existing;
    const pending = this.pending.get(roomId);
    if (pending) return pending;
    const creation = (async () => {
      const room = await Room.create({
        roomId,
        pool: this.options.pool,
        maxPeers: this.options.maxPeersPerRoom,
        observer: this.options.observer,
        logger: this.options.logger,
        qualityIntervalMs: this.options.qualityIntervalMs,
        reconnectGraceMs: this.options.reconnectGraceMs,
        routerConsumerThreshold: this.options.routerConsumerThreshold,
        gate: this.gate,
        ingest: this.options.ingest,
        chatArchive: this.options.chatArchive,
      });
      this.rooms.set(roomId, room);
      room.once("close", () => {
        if (this.rooms.get(roomId) === room) this.rooms.delete(roomId);
      });
      if (this.closed) room.close("server shutting down", { silent: true });
      return room;
    })();
    this.pending.set(roomId, creation);
    try {
      return await creation;
    } finally {
      this.pending.delete(roomId);
    }
  }

  all(): Room[] {
    return [...this.rooms.values()];
  }

  counts(): RegistryCounts {
    const c: RegistryCounts = {
      workers: this.options.pool.workers.length,
      rooms: 0,
      peers: 0,
      joinedPeers: 0,
      reconnectingPeers: 0,
      transports: 0,
      producers: 0,
      pausedProducers: 0,
      consumers: 0,
      hiddenConsumers: 0,
      routers: 0,
    };
    for (const room of this.rooms.values()) {
      const r = room.counts();
      c.rooms++;
      c.peers += r.peers;
      c.joinedPeers += r.joined;
      c.reconnectingPeers += r.reconnecting;
      c.transports += r.transports;
      c.producers += r.producers;
      c.pausedProducers += r.pausedProducers;
      c.consumers += r.consumers;
      c.hiddenConsumers += r.hiddenConsumers;
      c.routers += r.routers;
    }
    return c;
  }

  /** Server shutdown: rooms close without history events (the history ends its sessions itself). */
  closeAll(reason = "server shutting down"): void {
    this.closed = true;
    for (const room of [...this.rooms.values()]) room.close(reason, { silent: true });
    this.rooms.clear();
  }
}
