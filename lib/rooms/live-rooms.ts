// How the Next side (server actions, route handlers) reaches the rooms running in this same
// process, without HTTP: cancelling a meeting closes its room for everyone at once.
// server/index.ts installs the handle; Next bundles its own copies of modules, so it lives on
// globalThis. With several nodes (Redis) the installed handle would publish the request to
// the node that hosts the room instead; callers do not change.
export interface LiveRooms {
  /** Closes the meeting's room for everyone (`meeting-ended`). Resolves to how many were in it. */
  endMeeting(roomId: string, reason: string): Promise<number>;
}

const slot = globalThis as unknown as { __meetLiveRooms?: LiveRooms };

export function installLiveRooms(rooms: LiveRooms): void {
  slot.__meetLiveRooms = rooms;
}

export function uninstallLiveRooms(): void {
  delete slot.__meetLiveRooms;
}

/** Ends the room of `roomId` if it runs here; 0 when there is none (or no signaling server). */
export async function endLiveMeeting(roomId: string, reason: string): Promise<number> {
  return (await slot.__meetLiveRooms?.endMeeting(roomId, reason)) ?? 0;
}
