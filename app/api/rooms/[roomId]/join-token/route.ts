// POST /api/rooms/[roomId]/join-token  {displayName?, inviteToken?} -> {token, expiresAt}
// Access rules live in lib/rooms/join-access.ts; errors are {error: {code, message}}.
import { getCurrentUser } from "@/lib/auth/session";
import { signJoinToken } from "@/lib/auth/join-token";
import { ensureAuthSecret } from "@/lib/auth/secret";
import { prisma } from "@/lib/db";
import { resolveJoinAccess } from "@/lib/rooms/join-access";
import { readOptionalJsonBody } from "@/lib/http/optional-json-body";

export const dynamic = "force-dynamic";

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
    return Response.json(
      { error: { code: access.code, message: access.message } },
      { status: access.status, headers: { "cache-control": "no-store" } },
    );
  }
  ensureAuthSecret(); // the signer reads JOIN_TOKEN_SECRET ?? NEXTAUTH_SECRET from the env
  const { token, expiresAt } = await signJoinToken(access.claims);
  return Response.json(
    { token, expiresAt: expiresAt.toISOString(), host: access.claims.host, guest: access.claims.guest },
    { headers: { "cache-control": "no-store" } },
  );
}
