// Raised hands of one room, in the order they were raised (a Map keeps insertion order).
// Pure state; RoomModeration broadcasts `handsChanged` after every change.
import type { RaisedHand } from "../../lib/signaling/protocol";

export class HandQueue {
  private readonly raised = new Map<string, number>();

  /** False when the hand was already up (its place in the queue is kept). */
  raise(peerId: string, now = Date.now()): boolean {
    if (this.raised.has(peerId)) return false;
    this.raised.set(peerId, now);
    return true;
  }

  lower(peerId: string): boolean {
    return this.raised.delete(peerId);
  }

  isRaised(peerId: string): boolean {
    return this.raised.has(peerId);
  }

  list(): RaisedHand[] {
    return [...this.raised].map(([peerId, raisedAt]) => ({ peerId, raisedAt }));
  }
}
