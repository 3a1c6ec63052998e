// The mediasoup Router a room currently lives on. When its worker dies the room does not
// end: a new router is made on a live worker (waiting for the pool's replacement when every
// worker died) and "moved" is emitted, so the room can tell its peers to set up their media
// again. Requests that need the router await `ready()` meanwhile.
import { EventEmitter } from "node:events";
import type { types as ms } from "mediasoup";
import type { Logger } from "../logger";
import { mediaCodecs } from "../sfu/media-codecs";
import type { WorkerEntry, WorkerPool } from "../sfu/worker-pool";
import { fail } from "./errors";

type RoomRouterEvents = {
  /** The room is on a new router; every transport/producer/consumer of the old one is gone. */
  moved: [reason: string];
  /** No worker could be had; the room must close. */
  lost: [error: Error];
};

export class RoomRouter extends EventEmitter<RoomRouterEvents> {
  private entry: WorkerEntry;
  private router: ms.Router;
  private moving: Promise<void> | null = null;
  private closed = false;

  static async create(pool: WorkerPool, roomId: string, log: Logger): Promise<RoomRouter> {
    const entry = await pool.waitForWorker();
    const router = await entry.worker.createRouter({ mediaCodecs, appData: { roomId } });
    return new RoomRouter(pool, roomId, log, entry, router);
  }

  private constructor(
    private readonly pool: WorkerPool,
    private readonly roomId: string,
    private readonly log: Logger,
    entry: WorkerEntry,
    router: ms.Router,
  ) {
    super();
    this.entry = entry;
    this.router = router;
    this.watch(router);
  }

  /** The live router; throws while the room is moving (use `ready()` to wait). */
  get current(): ms.Router {
    if (this.moving || this.router.closed) fail("INTERNAL", "the room's media server is restarting; retry");
    return this.router;
  }

  get webRtcServer(): ms.WebRtcServer {
    return this.entry.webRtcServer;
  }

  get workerIndex(): number {
    return this.entry.index;
  }

  /** Identical for every router (same codec list), so clients keep their loaded Device. */
  get rtpCapabilities(): ms.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  /** Resolves once the room is on a live router. */
  async ready(): Promise<ms.Router> {
    while (this.moving) await this.moving;
    return this.current;
  }

  close(): void {
    this.closed = true;
    if (!this.router.closed) this.router.close();
  }

  private watch(router: ms.Router): void {
    router.on("workerclose", () => {
      if (this.closed || router !== this.router) return;
      this.log.warn({ worker: this.entry.index }, "media worker died; moving the room to a live worker");
      this.moving = this.move().finally(() => {
        this.moving = null;
      });
    });
  }

  /**
   * Retries: when every worker is killed at once, the first live-looking worker may be the
   * next one to die (its death is reported a few ms later), so a failed creation just waits
   * for the pool's replacements.
   */
  private async move(): Promise<void> {
    const started = Date.now();
    let lastError: unknown = null;
    for (let attempt = 0; attempt < MOVE_ATTEMPTS && !this.closed; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * attempt)));
      try {
        const entry = await this.pool.waitForWorker();
        const router = await entry.worker.createRouter({ mediaCodecs, appData: { roomId: this.roomId } });
        if (this.closed) {
          router.close();
          return;
        }
        this.entry = entry;
        this.router = router;
        this.watch(router);
        this.log.info({ worker: entry.index, ms: Date.now() - started, attempt }, "room moved to another media worker");
        this.emit("moved", "media server restarted");
        return;
      } catch (err) {
        lastError = err;
        this.log.warn({ err: (err as Error).message, attempt }, "moving the room failed; retrying");
      }
    }
    if (this.closed) return;
    this.log.error({ err: lastError }, "cannot move the room to a live media worker");
    this.emit("lost", lastError as Error);
  }
}

/** About 30 s of tries in all (the pool replaces a dead worker in well under a second). */
const MOVE_ATTEMPTS = 25;
