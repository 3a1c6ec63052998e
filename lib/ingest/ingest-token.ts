// Ingest (bot) join tokens: a join token with `ingest: true`, which lets its holder create
// PlainTransports and stream RTP into one room (server/rooms/ingest.ts). Signed only for
// admins (the admin route) or by an operator holding the server secret (room:stream).
import { newGuestParticipantKey, signJoinToken } from "../auth/join-token";

export async function signIngestToken(
  room: string,
  name: string,
  opts: { uid?: string; ttlSeconds?: number } = {},
): Promise<{ token: string; expiresAt: Date }> {
  return signJoinToken(
    {
      room,
      sub: newGuestParticipantKey().replace(/^guest:/, "ingest:"),
      name,
      host: false,
      guest: false,
      ...(opts.uid ? { uid: opts.uid } : {}),
      ingest: true,
    },
    { ttlSeconds: opts.ttlSeconds },
  );
}
