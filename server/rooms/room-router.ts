// One router of a room. A room owns one or more (server/rooms/room-routers.ts): past a
// consumer threshold further peers get a router on another worker (core), and the producers
// they need are piped across. RoomRouterHandle is what the room needs of "a router of this
// room"; LocalRoomRouter is a mediasoup Router on a worker of this process. A router on
// another node (branch `nodes`) would be another implementation of the handle, piping over
// the network instead of 127.0.0.1.
import { EventEmitter } from "node:events";
import type { types as ms } from "mediasoup";
import type { Logger } from "../logger";
import { mediaCodecs } from "../sfu/media-codecs";
import type { WorkerEntry } from "../sfu/worker-pool";

type RoomRouterEvents = {
  /** Its worker died: every transport, producer and consumer on it is gone. */
  died: [];
};

export interface RoomRouterHandle extends EventEmitter<RoomRouterEvents> {
  readonly id: string;
  /** Where it runs, for logs and stats ("worker 1"). */
  readonly label: string;
  readonly closed: boolean;
  /** Consumers on it (peers' consumers and pipe consumers): its forwarding load. */
  readonly consumerCount: number;
  /**
   * Makes `producerId`, living on `source` (another router of the same room), consumable
   * here under the same id. Idempotent; resolves when it is.
   */
  pipeFrom(source: RoomRouterHandle, producerId: string): Promise<void>;
  close(): void;
}

export class LocalRoomRouter extends EventEmitter<RoomRouterEvents> implements RoomRouterHandle {
  private consumers = 0;
  private _closed = false;
  /** Producers piped in from other routers (in flight or done), by producer id. */
  private readonly pipes = new Map<string, Promise<void>>();

  static async create(entry: WorkerEntry, roomId: string, log: Logger): Promise<LocalRoomRouter> {
    const router = await entry.worker.createRouter({ mediaCodecs, appData: { roomId } });
    return new LocalRoomRouter(entry, router, log);
  }

  private constructor(
    private readonly entry: WorkerEntry,
    readonly router: ms.Router,
    private readonly log: Logger,
  ) {
    super();
    router.observer.on("newtransport", (transport) => {
      transport.observer.on("newconsumer", (consumer) => {
        this.consumers++;
        consumer.observer.once("close", () => this.consumers--);
      });
    });
    router.on("workerclose", () => {
      if (this._closed) return;
      this._closed = true;
      this.pipes.clear();
      this.emit("died");
    });
  }

  get id(): string {
    return this.router.id;
  }

  get label(): string {
    return `worker ${this.entry.index}`;
  }

  get workerIndex(): number {
    return this.entry.index;
  }

  get webRtcServer(): ms.WebRtcServer {
    return this.entry.webRtcServer;
  }

  get closed(): boolean {
    return this._closed || this.router.closed;
  }

  get consumerCount(): number {
    return this.consumers;
  }

  /** Identical for every router (same codec list), so clients keep their loaded Device. */
  get rtpCapabilities(): ms.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  pipeFrom(source: RoomRouterHandle, producerId: string): Promise<void> {
    if (source === this) return Promise.resolve();
    const existing = this.pipes.get(producerId);
    if (existing) return existing;
    if (!(source instanceof LocalRoomRouter)) {
      return Promise.reject(new Error(`piping from ${source.label} is not supported by this node`));
    }
    const job = source.router
      .pipeToRouter({ producerId, router: this.router })
      .then(({ pipeProducer }) => {
        // the original producer (or either router) closed: a later consumer pipes again
        pipeProducer?.observer.once("close", () => {
          if (this.pipes.get(producerId) === job) this.pipes.delete(producerId);
        });
      });
    this.pipes.set(producerId, job);
    job.catch((err: unknown) => {
      if (this.pipes.get(producerId) === job) this.pipes.delete(producerId);
      this.log.warn({ err: (err as Error).message, producer: producerId, from: source.label, to: this.label }, "pipeToRouter failed");
    });
    return job;
  }

  close(): void {
    this._closed = true;
    this.pipes.clear();
    if (!this.router.closed) this.router.close();
  }
}
