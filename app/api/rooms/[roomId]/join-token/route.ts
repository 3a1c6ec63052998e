// POST /api/rooms/[roomId]/join-token  {displayName?, inviteToken?, rejoinTicket?, unreachable?}
//   -> {token, expiresAt, host, guest, signalingUrl?}
// Access rules live in lib/rooms/join-access.ts; errors are {error: {code, message}}.
// With several nodes (REDIS_URL) the room is placed on a node here (lib/cluster/placement.ts):
// the token names that node and `signalingUrl` says where to open the signaling socket.
// `unreachable` (a reconnecting client's hint: the signaling URL it could not reach) lets a
// node whose heartbeat is already late count as dead at once (lib/cluster/placement.ts).
// One node: no `signalingUrl` (the client uses its own origin's /ws).
import { getCurrentUser } from "@/lib/auth/session";
import { signJoinToken } from "@/lib/auth/join-token";
import { ensureAuthSecret } from "@/lib/auth/secret";
import { placeParticipant, type RoomPlacementResult } from "@/lib/cluster/placement";
import { clusterContext } from "@/lib/shared-state/process";
import { prisma } from "@/lib/db";
import { z } from "zod";
import { resolveJoinAccess } from "@/lib/rooms/join-access";
import { readOptionalJsonBody } from "@/lib/http/optional-json-body";

export const dynamic = "force-dynamic";

const noStore = { "cache-control": "no-store" };

export async function POST(req: Request, ctx: { params: Promise<{ roomId: string }> }) {
  const { roomId } = await ctx.params;
  const parsed = await readOptionalJsonBody(req);
  if (!parsed.ok) {
    return Response.json({ error: { code: "bad_request", message: "expected a JSON body" } }, { status: 400 });
  }
  const body = parsed.body;
  const user = await getCurrentUser();
  const access = await resolveJoinAccess(prisma, { roomId, user, body });
  if (!access.ok) {
    return Response.json({ error: { code: access.code, message: access.message } }, { status: access.status, headers: noStore });
  }
  const cluster = clusterContext();
  let placement: RoomPlacementResult | null = null;
  if (cluster?.clustered) {
    try {
      const hint = z.object({ unreachable: z.string().max(512).optional() }).safeParse(body);
      placement = await placeParticipant(cluster, access.claims.room, { unreachable: hint.success ? hint.data.unreachable : undefined });
    } catch (err) {
      console.error("[join-token] cannot place the room:", (err as Error).message);
      return Response.json(
        { error: { code: "unavailable", message: "The meeting service is temporarily unavailable. Try again in a moment." } },
        { status: 503, headers: { ...noStore, "retry-after": "2" } },
      );
    }
  }
  ensureAuthSecret(); // the signer reads JOIN_TOKEN_SECRET ?? NEXTAUTH_SECRET from the env
  const claims = placement ? { ...access.claims, node: placement.nodeId } : access.claims;
  const { token, expiresAt } = await signJoinToken(claims);
  return Response.json(
    {
      token,
      expiresAt: expiresAt.toISOString(),
      host: access.claims.host,
      guest: access.claims.guest,
      ...(placement ? { signalingUrl: placement.signalingUrl } : {}),
    },
    { headers: noStore },
  );
}
