// The rejoin ticket of the last join into a room, per browser tab (sessionStorage): a new
// session in the same tab — Rejoin after leaving or after giving up, a page reload — comes
// back as the same participant. Per tab on purpose: two tabs are two participants.
//
// Someone a host removed is remembered for the whole browser (localStorage), so that a new
// tab comes back as the same, removed, person and waits in the lobby. This only keeps an
// honest browser honest (storage can be cleared); meetings that require sign-in ban by account.
const key = (roomId: string) => `meet.rejoinTicket.${roomId}`;
const removedKey = (roomId: string) => `meet.removedTicket.${roomId}`;

export function loadRejoinTicket(roomId: string): string | null {
  try {
    return sessionStorage.getItem(key(roomId)) ?? localStorage.getItem(removedKey(roomId));
  } catch {
    return null; // storage disabled
  }
}

/** A host removed this participant: every tab of this browser rejoins as them. */
export function rememberRemoval(roomId: string, ticket: string): void {
  try {
    localStorage.setItem(removedKey(roomId), ticket);
  } catch {
    // storage disabled: only this tab remembers
  }
}

/** Back in the room (a host admitted them): tabs are separate participants again. */
export function forgetRemoval(roomId: string): void {
  try {
    localStorage.removeItem(removedKey(roomId));
  } catch {
    // nothing stored
  }
}

export function saveRejoinTicket(roomId: string, ticket: string): void {
  try {
    sessionStorage.setItem(key(roomId), ticket);
  } catch {
    // the identity then lasts as long as this page does
  }
}
