// What rooms on this node do about cross-node events (lib/shared-state/event-bus.ts). Runs
// with one node too (the in-memory bus), so cancelling a meeting ends its live room either way.
import type { ClusterEnvelope, EventBus } from "../../lib/shared-state/event-bus";
import { CLOSE_CODES } from "../../lib/signaling/protocol";
import type { Logger } from "../logger";

export type HostActionEvent = Extract<ClusterEnvelope["event"], { type: "hostAction" }>;

export type RoomLookup = {
  get(roomId: string): { closed: boolean; close(reason: string, opts: { code: number }): void } | undefined;
};

/** Subscribes; returns the unsubscribe function. */
export function followClusterEvents(options: {
  events: EventBus;
  rooms: RoomLookup;
  nodeId: string;
  logger: Logger;
  /** Host actions for a room hosted here (host controls will apply them). */
  onHostAction?: (event: HostActionEvent) => void;
}): () => void {
  const log = options.logger.child({ component: "cluster-events" });
  return options.events.subscribe(({ from, event }) => {
    switch (event.type) {
      case "meetingEnded": {
        // room id = meeting id; only the node hosting it has it
        const room = options.rooms.get(event.meetingId);
        if (room && !room.closed) {
          log.info({ roomId: event.meetingId, from, reason: event.reason }, "meeting ended; closing its room");
          // final for the clients (meeting-ended screen, no reconnect)
          const text = event.message ?? (event.reason === "cancelled" ? "meeting cancelled" : "meeting ended");
          room.close(text, { code: CLOSE_CODES.meetingEnded });
        }
        return;
      }
      case "hostAction":
        if (options.rooms.get(event.roomId)) options.onHostAction?.(event);
        return;
      case "cascade":
        return; // server/cluster/cascade.ts
      case "nodeDead":
        if (from !== options.nodeId) log.info({ dead: event.nodeId, by: from, rooms: event.rooms.length }, "a node was declared dead");
        return;
    }
  });
}
