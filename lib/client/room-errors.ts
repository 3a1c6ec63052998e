// What went wrong, for people (the error screens) and for the reconnect loop (retry or stop).
import { JoinTokenError } from "./join-token";
import type { AttemptResult } from "./reconnector";
import type { RoomError } from "./room-state";
import { SignalingRequestError } from "./signaling-client";

/** Whether a failed reconnect attempt is worth repeating. */
export function classifyRecoveryError(error: unknown, dropToken: () => void): AttemptResult {
  if (error instanceof JoinTokenError) {
    // server down or restarting: try again; the meeting is gone or the link revoked: stop
    if (error.status === 0 || error.status >= 500) return { outcome: "retry", error };
    return { outcome: "fatal", error };
  }
  if (error instanceof SignalingRequestError) {
    if (error.code === "UNAUTHORIZED" || error.code === "WRONG_NODE") {
      dropToken(); // expired, or the room moved to another node: the next try fetches a new one
      return { outcome: "retry", error };
    }
    if (error.code === "ROOM_FULL" || error.code === "FORBIDDEN") return { outcome: "fatal", error };
  }
  return { outcome: "retry", error };
}

export function describeError(err: unknown): RoomError {
  if (err instanceof JoinTokenError) {
    // The route's messages are written for users ("This meeting was cancelled.").
    const serverMessage = err.serverMessage;
    if (err.status === 0 || err.status >= 500) {
      return { kind: "unreachable", message: "The meeting server cannot be reached right now." };
    }
    if (err.status === 401) {
      return { kind: "sign-in", message: serverMessage ?? "Sign in to join this meeting." };
    }
    if (err.status === 403 || err.status === 404 || err.status === 410) {
      return { kind: "invalid-link", message: serverMessage ?? "This meeting link is invalid or has expired." };
    }
    return { kind: "unknown", message: err.message };
  }
  if (err instanceof SignalingRequestError) {
    switch (err.code) {
      case "DISCONNECTED":
      case "TIMEOUT":
        return { kind: "unreachable", message: "The meeting server cannot be reached right now." };
      case "UNAUTHORIZED":
      case "FORBIDDEN":
        return { kind: "invalid-link", message: "This meeting link is invalid or has expired." };
      case "ROOM_FULL":
        return { kind: "room-full", message: "This meeting is full. Try again later." };
      case "RATE_LIMITED":
        return { kind: "unknown", message: "Too many attempts. Wait a moment and try again." };
      default:
        return { kind: "unknown", message: err.message };
    }
  }
  const e = err as Error | undefined;
  if (e?.name === "UnsupportedError") {
    return { kind: "unsupported", message: "This browser does not support video meetings." };
  }
  return { kind: "unknown", message: e?.message || "Something went wrong." };
}
