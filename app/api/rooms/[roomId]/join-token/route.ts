// POST /api/rooms/[roomId]/join-token  {displayName?, inviteToken?} -> {token, expiresAt}
// Access rules live in lib/rooms/join-access.ts; errors are {error: {code, message}}.
import { getCurrentUser } from "@/lib/auth/session";
import { signJoinToken } from "@/lib/auth/join-token";
import { ensureAuthSecret } from "@/lib/auth/secret";
import { prisma } from "@/lib/db";
import { resolveJoinAccess } from "@/lib/rooms/join-access";
import { cookieValue, guestKeyFromCookie, guestSetCookie, newGuestIdentity } from "@/lib/rooms/guest-identity";

export const dynamic = "force-dynamic";

export async function POST(req: Request, ctx: { params: Promise<{ roomId: string }> }) {
  const { roomId } = await ctx.params;
  let body: unknown = {};
  const text = await req.text();
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      return Response.json({ error: { code: "bad_request", message: "expected a JSON body" } }, { status: 400 });
    }
  }
  const user = await getCurrentUser();
  ensureAuthSecret(); // the signers read JOIN_TOKEN_SECRET ?? NEXTAUTH_SECRET from the env
  // A guest keeps one participantKey across joins (signed cookie): a rejoin is the same person.
  const known = user ? null : guestKeyFromCookie(cookieValue(req.headers.get("cookie")));
  const fresh = user || known ? null : newGuestIdentity();
  const access = await resolveJoinAccess(prisma, { roomId, user, body, guestKey: known ?? fresh?.key });
  if (!access.ok) {
    return Response.json(
      { error: { code: access.code, message: access.message } },
      { status: access.status, headers: { "cache-control": "no-store" } },
    );
  }
  const { token, expiresAt } = await signJoinToken(access.claims);
  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (fresh && access.claims.guest) {
    const secure = new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
    headers["set-cookie"] = guestSetCookie(fresh.cookie, secure);
  }
  return Response.json({ token, expiresAt: expiresAt.toISOString(), host: access.claims.host, guest: access.claims.guest }, { headers });
}
