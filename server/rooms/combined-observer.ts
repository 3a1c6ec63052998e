// Several RoomObservers behind one (meeting history + cascade links): each call goes to
// every observer; their failures stay theirs (notifyObserver logs them).
import type { Logger } from "../logger";
import { notifyObserver, type RoomObserver } from "./room-observer";

export function combineObservers(logger: Logger, ...observers: RoomObserver[]): RoomObserver {
  const all = <K extends keyof RoomObserver>(method: K) =>
    ((...args: Parameters<NonNullable<RoomObserver[K]>>) => {
      for (const o of observers) notifyObserver(o, logger, method, ...args);
    }) as NonNullable<RoomObserver[K]>;
  return {
    peerJoined: all("peerJoined"),
    peerLeft: all("peerLeft"),
    peerReconnecting: all("peerReconnecting"),
    peerReconnected: all("peerReconnected"),
    qualitySample: all("qualitySample"),
    roomClosed: all("roomClosed"),
  };
}
