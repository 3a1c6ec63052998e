// GET /api/meetings/[id]/ics -> text/calendar for the meeting's host (UID stable per meeting,
// SEQUENCE = the meeting's; a series carries its RRULE in the host's zone with a VTIMEZONE).
import { prisma } from "@/lib/db";
import { getCurrentUser } from "@/lib/auth/session";
import { buildMeetingIcs, icsFileName } from "@/lib/meetings/ics";
import { inviteUrl } from "@/lib/meetings/invite";
import { originFromHeaders } from "@/lib/meetings/origin";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const uid = (await getCurrentUser())?.id;
  if (!uid) return Response.json({ error: "sign in required" }, { status: 401 });
  const meeting = await prisma.meeting.findUnique({
    where: { id },
    include: { host: { select: { name: true, email: true } }, attendees: { select: { email: true } }, occurrences: true },
  });
  if (!meeting) return Response.json({ error: "meeting not found" }, { status: 404 });
  if (meeting.hostId !== uid) return Response.json({ error: "only the host can download this" }, { status: 403 });
  const origin = originFromHeaders(req.headers);
  const body = buildMeetingIcs(meeting, meeting.host, inviteUrl(origin, meeting.inviteToken), {
    attendees: meeting.attendees.map((a) => a.email),
    overrides: meeting.occurrences,
  });
  return new Response(body, {
    headers: {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": `attachment; filename="${icsFileName(meeting.title)}"`,
      "cache-control": "private, no-store",
    },
  });
}
