// Taking access back, on every node: a cancelled (or ended) meeting — every join token of it
// stops working and its live room closes wherever it is hosted — and one join token (host
// actions such as removing a participant). Entries live in the shared deny-list until the
// tokens they cover would have expired anyway; the signaling checks it on every bind
// (server/cluster/admission.ts). Failures are logged, never thrown.
import { JOIN_TOKEN_TTL_SECONDS } from "../auth/join-token";
import { clusterContext } from "../shared-state/process";

export async function announceMeetingEnded(meetingId: string, reason: "cancelled" | "ended"): Promise<void> {
  const ctx = clusterContext();
  if (!ctx) return; // no server around this process (tests)
  try {
    // tokens issued until now live at most JOIN_TOKEN_TTL_SECONDS more
    await ctx.state.deniedTokens.revoke(`mid:${meetingId}`, Date.now() + JOIN_TOKEN_TTL_SECONDS * 1000 + 5000);
    await ctx.state.events.publish({ type: "meetingEnded", meetingId, reason });
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
