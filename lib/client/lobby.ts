// Waiting to get in, and being sent out for good: what the close codes of a final close mean
// to the person (removed, meeting ended, denied, replaced) and how the waiting screens
// describe the wait. Pure, unit-tested.
import { CLOSE_CODES, type WaitingInfo } from "@/lib/signaling/protocol";
import type { RoomError } from "./room-state";

/** The error a final close code stands for; null for codes after which the client reconnects. */
export function finalCloseError(code: number, reason = ""): RoomError | null {
  switch (code) {
    case CLOSE_CODES.replaced:
    case CLOSE_CODES.superseded:
      return { kind: "replaced", message: "You joined this meeting from another window or device." };
    case CLOSE_CODES.removed:
      return { kind: "removed", message: reason || "A host removed you from the meeting." };
    case CLOSE_CODES.meetingEnded:
      return { kind: "meeting-ended", message: reason ? capitalize(reason) + "." : "The meeting has ended." };
    case CLOSE_CODES.lobbyDenied:
      return { kind: "denied", message: "A host declined your request to join this meeting." };
    default:
      return null;
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "Starts at Tue 14:00 (your time)"-style text for people waiting for the host; null without a start. */
export function startTimeText(waiting: WaitingInfo, timeZone?: string, locale?: string): string | null {
  if (!waiting.startsAt) return null;
  const d = new Date(waiting.startsAt);
  if (Number.isNaN(d.getTime())) return null;
  return new Intl.DateTimeFormat(locale, {
    weekday: "long",
    month: "long",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
    ...(timeZone ? { timeZone } : {}),
  }).format(d);
}
