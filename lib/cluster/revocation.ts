// Taking access back, on every node: a cancelled (or ended) meeting — every join token of it
// stops working and its live room closes wherever it is hosted — and one join token (host
// actions such as removing a participant). Entries live in the shared deny-list until the
// tokens they cover would have expired anyway; the signaling checks it on every bind
// (server/cluster/admission.ts). Failures are logged, never thrown.
import { JOIN_TOKEN_TTL_SECONDS } from "../auth/join-token";
import { clusterContext } from "../shared-state/process";

export async function announceMeetingEnded(meetingId: string, reason: "cancelled" | "ended", message?: string): Promise<void> {
  const ctx = clusterContext();
  if (!ctx) return; // no server around this process (tests)
  try {
    // Cancelled: no token of it may work again. Ended for everyone: the tokens issued until
    // now are revoked by the meeting's token epoch in the database (lib/rooms/token-validity.ts),
    // so the host can start it again with fresh ones; a deny-list entry would lock it for 10 min.
    // Tokens issued until now live at most JOIN_TOKEN_TTL_SECONDS more.
    if (reason === "cancelled") {
      await ctx.state.deniedTokens.revoke(`mid:${meetingId}`, Date.now() + JOIN_TOKEN_TTL_SECONDS * 1000 + 5000);
    }
    await ctx.state.events.publish({ type: "meetingEnded", meetingId, reason, ...(message ? { message: message.slice(0, 200) } : {}) });
  } catch (err) {
    console.error(`[meetings] could not end the live room of meeting ${meetingId}:`, (err as Error).message);
  }
}

/** Refuses one join token (its `jti`) on every node until it expires. */
export async function revokeJoinToken(jti: string, expiresAt: Date): Promise<void> {
  const ctx = clusterContext();
  if (!ctx) return;
  try {
    await ctx.state.deniedTokens.revoke(`jti:${jti}`, expiresAt.getTime());
  } catch (err) {
    console.error(`[tokens] could not revoke a join token:`, (err as Error).message);
  }
}
