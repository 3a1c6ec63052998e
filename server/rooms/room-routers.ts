// The routers a room lives on (rooms across cores). The first one is made with the room;
// further ones on other workers when the placement policy (router-placement.ts) says the
// room's routers are full. A peer's two transports live on its "home" router; producers of
// peers homed elsewhere are piped in (pipeToRouter) when a consumer there needs them.
//
// A worker that dies takes its routers with it: they are dropped ("lost"), the room tells
// the peers homed there to set their media up again, and their new transports are placed
// on the routers that are left — or, when none is, on a router made on a live worker as
// soon as there is one (the pool replaces dead workers; every worker may die at once).
import { EventEmitter } from "node:events";
import type { types as ms } from "mediasoup";
import type { Logger } from "../logger";
import type { WorkerEntry, WorkerPool } from "../sfu/worker-pool";
import { fail } from "./errors";
import { LocalRoomRouter, type RoomRouterHandle } from "./room-router";
import { DEFAULT_ROUTER_CONSUMER_THRESHOLD, placePeer } from "./router-placement";

type RoomRoutersEvents = {
  /** A router's worker died; the peers homed on it have no media any more. */
  lost: [router: LocalRoomRouter];
  /** A router was added (the first one after every router died, or one on another worker). */
  added: [router: LocalRoomRouter];
  /** No router could be made for ~30 s: the room cannot go on. */
  unavailable: [error: Error];
};

/** About 30 s of tries in all (the pool replaces a dead worker in well under a second). */
const CREATE_ATTEMPTS = 25;

export type RoomRoutersOptions = {
  pool: WorkerPool;
  roomId: string;
  log: Logger;
  /** Expected consumers per router before the room opens one on another worker. */
  consumerThreshold?: number;
};

export class RoomRouters extends EventEmitter<RoomRoutersEvents> {
  /** Live routers, oldest first (the first is the room's primary: it hosts the audio observers). */
  private readonly routers: LocalRoomRouter[] = [];
  private placing: Promise<unknown> = Promise.resolve();
  private rebuilding: Promise<LocalRoomRouter> | null = null;
  private closed = false;
  private capabilities: ms.RtpCapabilities;
  readonly threshold: number;

  static async create(options: RoomRoutersOptions): Promise<RoomRouters> {
    const entry = await options.pool.waitForWorker();
    const first = await LocalRoomRouter.create(entry, options.roomId, options.log);
    return new RoomRouters(options, first);
  }

  private constructor(
    private readonly options: RoomRoutersOptions,
    first: LocalRoomRouter,
  ) {
    super();
    this.threshold = options.consumerThreshold ?? DEFAULT_ROUTER_CONSUMER_THRESHOLD;
    this.capabilities = first.rtpCapabilities;
    this.add(first);
  }

  get list(): ReadonlyArray<LocalRoomRouter> {
    return this.routers;
  }

  /** The oldest live router (null while every router is being rebuilt). */
  get primary(): LocalRoomRouter | null {
    return this.routers[0] ?? null;
  }

  /** The primary router, waiting for its rebuild while every router is gone (the cascade's pipes go on it). */
  primaryReady(): Promise<LocalRoomRouter> {
    const primary = this.primary;
    if (primary && !primary.closed) return Promise.resolve(primary);
    if (this.closed) fail("INTERNAL", "room is closing; retry");
    return this.rebuilding ?? this.rebuild();
  }

  /** Identical for every router (same codec list), so clients keep their loaded Device. */
  get rtpCapabilities(): ms.RtpCapabilities {
    return this.capabilities;
  }

  /** Workers the room spans now. */
  get workerIndexes(): number[] {
    return this.routers.map((r) => r.workerIndex);
  }

  /**
   * The router a peer's transports go on. `peersOn(r)`: peers homed on r now; `roomSize`:
   * peers in the room counting this one. Placements run one at a time (two newcomers must
   * not both open a router on the same free worker).
   */
  place(roomSize: number, peersOn: (r: LocalRoomRouter) => number): Promise<LocalRoomRouter> {
    const run = this.placing.then(() => this.doPlace(roomSize, peersOn));
    this.placing = run.catch(() => undefined);
    return run;
  }

  private async doPlace(roomSize: number, peersOn: (r: LocalRoomRouter) => number): Promise<LocalRoomRouter> {
    if (this.closed) fail("INTERNAL", "room is closing; retry");
    const live = this.routers.filter((r) => !r.closed);
    if (live.length === 0) return this.rebuild();
    const workers = this.options.pool.workers
      .filter((w) => !w.worker.closed)
      .map((w) => ({ index: w.index, load: w.transports }));
    const choice = placePeer(
      live.map((r) => ({ id: r.id, workerIndex: r.workerIndex, consumers: r.consumerCount, peers: peersOn(r) })),
      workers,
      { threshold: this.threshold, roomSize },
    );
    if (choice.kind === "existing") return live.find((r) => r.id === choice.id)!;
    const entry = this.options.pool.workers.find((w) => w.index === choice.workerIndex && !w.worker.closed);
    if (!entry) return live[0];
    try {
      const router = await LocalRoomRouter.create(entry, this.options.roomId, this.options.log);
      if (this.closed) {
        router.close();
        fail("INTERNAL", "room is closing; retry");
      }
      this.add(router);
      this.options.log.info(
        { worker: entry.index, routers: this.routers.length, threshold: this.threshold },
        "room spans another worker",
      );
      this.emit("added", router);
      return router;
    } catch (err) {
      this.options.log.warn({ err: (err as Error).message, worker: entry.index }, "opening a router on another worker failed");
      return live[0];
    }
  }

  /**
   * Makes `producerId` (living on `source`) consumable on `target`: nothing when they are
   * the same router, else a pipe (once per producer and target router).
   */
  ensureProducerOn(target: RoomRouterHandle, source: RoomRouterHandle, producerId: string): Promise<void> {
    if (target === source) return Promise.resolve();
    return target.pipeFrom(source, producerId);
  }

  close(): void {
    this.closed = true;
    for (const r of this.routers) r.close();
    this.routers.length = 0;
  }

  private add(router: LocalRoomRouter): void {
    this.routers.push(router);
    router.once("died", () => this.onDied(router));
  }

  private onDied(router: LocalRoomRouter): void {
    const i = this.routers.indexOf(router);
    if (i >= 0) this.routers.splice(i, 1);
    if (this.closed) return;
    this.options.log.warn({ worker: router.workerIndex, left: this.routers.length }, "media worker died; its router is gone");
    if (this.routers.length > 0) {
      this.emit("lost", router);
      return;
    }
    // Nothing left: have a router again before the peers set their media up.
    this.rebuild().then(
      () => this.emit("lost", router),
      (err: Error) => this.emit("unavailable", err),
    );
  }

  /**
   * A router on a live worker, retrying: when every worker is killed at once the first
   * live-looking worker may be the next one to die (its death is reported a few ms later),
   * so a failed creation just waits for the pool's replacements.
   */
  private rebuild(): Promise<LocalRoomRouter> {
    this.rebuilding ??= (async () => {
      const started = Date.now();
      let lastError: unknown = null;
      for (let attempt = 0; attempt < CREATE_ATTEMPTS && !this.closed; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * attempt)));
        try {
          const entry: WorkerEntry = await this.options.pool.waitForWorker();
          const router = await LocalRoomRouter.create(entry, this.options.roomId, this.options.log);
          if (this.closed) {
            router.close();
            break;
          }
          this.add(router);
          this.capabilities = router.rtpCapabilities;
          this.options.log.info({ worker: entry.index, ms: Date.now() - started, attempt }, "room has a router again");
          this.emit("added", router);
          return router;
        } catch (err) {
          lastError = err;
          this.options.log.warn({ err: (err as Error).message, attempt }, "making a router failed; retrying");
        }
      }
      throw lastError instanceof Error ? lastError : new Error("the room is closing");
    })().finally(() => {
      this.rebuilding = null;
    });
    return this.rebuilding;
  }
}
