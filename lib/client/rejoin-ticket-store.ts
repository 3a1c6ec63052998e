// The rejoin ticket of the last join into a room, per browser tab (sessionStorage): a new
// session in the same tab — Rejoin after leaving or after giving up, a page reload — comes
// back as the same participant. Per tab on purpose: two tabs are two participants.
const key = (roomId: string) => `meet.rejoinTicket.${roomId}`;

export function loadRejoinTicket(roomId: string): string | null {
  try {
    return sessionStorage.getItem(key(roomId));
  } catch {
    return null; // storage disabled
  }
}

export function saveRejoinTicket(roomId: string, ticket: string): void {
  try {
    sessionStorage.setItem(key(roomId), ticket);
  } catch {
    // the identity then lasts as long as this page does
  }
}
