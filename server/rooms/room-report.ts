// One room in detail for GET /api/sfu/stats?room=<id> (loopback only): who is in, with
// what role and which producers (paused or not), who waits, lock state. What tests and an
// operator on the machine need to see that a host control really acted on the server.
// `?detail=1`: where each room runs (rooms across cores: its routers, their peers and load).
import type { Room } from "./room";

export type RoomReport = {
  roomId: string;
  locked: boolean;
  peers: {
    id: string;
    displayName: string;
    role: string;
    joined: boolean;
    waiting: string | null;
    /** Consumers of the others' media this peer has. */
    consumers: number;
    producers: { id: string; source: string; kind: string; paused: boolean }[];
  }[];
};

export function describeRoom(room: Room): RoomReport {
  return {
    roomId: room.roomId,
    locked: room.moderation.locked,
    peers: [...room.peers.values()].map((p) => ({
      id: p.id,
      displayName: p.displayName,
      role: p.role,
      joined: p.joined,
      waiting: room.moderation.waitingInfo(p)?.reason ?? null,
      consumers: p.consumers.size,
      producers: [...p.producers.values()].map((pr) => ({ id: pr.id, source: pr.appData.source, kind: pr.kind, paused: pr.paused })),
    })),
  };
}

export type RoomPlacement = {
  roomId: string;
  routers: { worker: number; peers: number; consumers: number }[];
  activeSpeaker: string | null;
};

export function describePlacement(room: Room): RoomPlacement {
  const peers = [...room.peers.values()];
  return {
    roomId: room.roomId,
    routers: room.routers.list.map((r) => ({
      worker: r.workerIndex,
      peers: peers.filter((p) => p.router === r).length,
      consumers: r.consumerCount,
    })),
    activeSpeaker: room.media.speakers.dominant,
  };
}
