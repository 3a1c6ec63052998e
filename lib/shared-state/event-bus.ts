// Cross-node events: what one node does that another node's rooms must follow (a meeting
// cancelled on node A ends its room on node B; host actions; chat later). Redis pub/sub
// with several nodes, an in-process emitter with one. Messages are validated on receipt.
import type Redis from "ioredis";
import { z } from "zod";

const id = z.string().min(1).max(128);

export const clusterEventSchema = z.discriminatedUnion("type", [
  /** The meeting was cancelled or ended by its host: its room closes wherever it is. */
  z.object({
    type: z.literal("meetingEnded"),
    meetingId: id,
    reason: z.enum(["cancelled", "ended"]),
    /** What the people in the room are told ("Hana ended the meeting for everyone"). */
    message: z.string().max(200).optional(),
  }),
  /** A host action on a participant or the room (mute, remove, …), applied by the hosting node. */
  z.object({
    type: z.literal("hostAction"),
    roomId: id,
    action: z.string().min(1).max(64),
    participantKey: id.optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  /** Cascade control between two nodes hosting one room (server/cluster/cascade.ts); for `to` only. */
  z.object({ type: z.literal("cascade"), to: id, roomId: id, body: z.record(z.string(), z.unknown()) }),
  /** A node was declared dead and its rooms were re-placed. */
  z.object({ type: z.literal("nodeDead"), nodeId: id, rooms: z.array(id).max(10_000) }),
]);
export type ClusterEvent = z.infer<typeof clusterEventSchema>;
/** What subscribers receive: the event and the node that published it. */
export type ClusterEnvelope = { from: string; event: ClusterEvent };
export type ClusterEventHandler = (envelope: ClusterEnvelope) => void;

export interface EventBus {
  publish(event: ClusterEvent): Promise<void>;
  /** Returns an unsubscribe function. Handlers run for events of every node, this one included. */
  subscribe(handler: ClusterEventHandler): () => void;
  close(): Promise<void>;
}

function deliver(handlers: Set<ClusterEventHandler>, envelope: ClusterEnvelope, onError: (err: unknown) => void) {
  for (const h of [...handlers]) {
    try {
      h(envelope);
    } catch (err) {
      onError(err);
    }
  }
}

export class MemoryEventBus implements EventBus {
  private readonly handlers = new Set<ClusterEventHandler>();

  constructor(
    private readonly nodeId: string,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  async publish(event: ClusterEvent) {
    const envelope = { from: this.nodeId, event: clusterEventSchema.parse(event) };
    // asynchronous like pub/sub: a publisher never runs subscribers inside its own call
    setImmediate(() => deliver(this.handlers, envelope, this.onError));
  }

  subscribe(handler: ClusterEventHandler) {
    this.handlers.add(handler);
    return () => void this.handlers.delete(handler);
  }

  async close() {
    this.handlers.clear();
  }
}

const envelopeSchema = z.object({ from: z.string().min(1).max(64), event: clusterEventSchema });

/** Publishes on `<prefix>events`; one extra connection (`subscriber`) stays in subscribe mode. */
export class RedisEventBus implements EventBus {
  private readonly handlers = new Set<ClusterEventHandler>();
  private readonly channel: string;
  private subscribed: Promise<unknown> | null = null;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
    private readonly nodeId: string,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.channel = `${prefix}events`;
    subscriber.on("message", (channel: string, message: string) => {
      if (channel !== this.channel) return;
      let parsed: z.infer<typeof envelopeSchema>;
      try {
        const r = envelopeSchema.safeParse(JSON.parse(message));
        if (!r.success) return onError(new Error(`ignored malformed cluster event: ${r.error.issues[0]?.message}`));
        parsed = r.data;
      } catch {
        return onError(new Error("ignored a cluster event that is not JSON"));
      }
      deliver(this.handlers, parsed, onError);
    });
  }

  /** Resolves once the subscription is active (events published before are not seen). */
  ready(): Promise<unknown> {
    return (this.subscribed ??= this.subscriber.subscribe(this.channel));
  }

  async publish(event: ClusterEvent) {
    const envelope: ClusterEnvelope = { from: this.nodeId, event: clusterEventSchema.parse(event) };
    await this.publisher.publish(this.channel, JSON.stringify(envelope));
  }

  subscribe(handler: ClusterEventHandler) {
    this.handlers.add(handler);
    void this.ready();
    return () => void this.handlers.delete(handler);
  }

  async close() {
    this.handlers.clear();
  }
}
