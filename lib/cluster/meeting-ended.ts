// A meeting was cancelled (or ended by its host): every join token of it stops working and
// its live room closes, on whichever node hosts it. Called by the meeting actions; failures
// are logged, never thrown (the meeting is already cancelled in the database, and the
// join-token route refuses cancelled meetings anyway).
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
