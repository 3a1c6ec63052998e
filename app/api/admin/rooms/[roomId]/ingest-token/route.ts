// POST /api/admin/rooms/[roomId]/ingest-token  {name?} -> {token, expiresAt}
// Admins only: a short-lived join token with the `ingest` claim, which lets its holder stream
// a file or an RTP source into the room (`npm run room:stream -- --token <token> ...`).
import { z } from "zod";
import { adminApiGuard } from "@/lib/admin/guard";
import { ensureAuthSecret } from "@/lib/auth/secret";
import { readOptionalJsonBody } from "@/lib/http/optional-json-body";
import { signIngestToken } from "@/lib/ingest/ingest-token";
import { displayNameSchema, roomIdSchema } from "@/lib/signaling/protocol";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ name: displayNameSchema.optional() }).strict();

export async function POST(req: Request, ctx: { params: Promise<{ roomId: string }> }) {
  const guard = await adminApiGuard();
  if (guard.response) return guard.response;
  const { roomId } = await ctx.params;
  const room = roomIdSchema.safeParse(roomId);
  if (!room.success) return Response.json({ error: "invalid room id" }, { status: 400 });
  const raw = await readOptionalJsonBody(req);
  if (!raw.ok) return Response.json({ error: "expected a JSON body" }, { status: 400 });
  const body = bodySchema.safeParse(raw.body);
  if (!body.success) return Response.json({ error: body.error.issues[0]?.message ?? "bad body" }, { status: 400 });
  ensureAuthSecret();
  const { token, expiresAt } = await signIngestToken(room.data, body.data.name ?? "stream", { uid: guard.admin.id });
  return Response.json({ token, expiresAt: expiresAt.toISOString() }, { headers: { "cache-control": "no-store" } });
}
