// GET /api/sessions/[id]/attendance.csv -> one session's attendance report (its meeting's host
// and admins; 401 signed out, 403 anyone else, 404 unknown).
import { prisma } from "@/lib/db";
import { getCurrentUser } from "@/lib/auth/session";
import { sessionReportAccess } from "@/lib/meetings/attendance-access";
import { getSessionDetail } from "@/lib/admin/history-queries";
import { attendanceToCsv, csvResponse } from "@/lib/admin/attendance-csv";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const access = await sessionReportAccess(prisma, await getCurrentUser(), id);
  if (!access.ok) return Response.json({ error: access.error }, { status: access.status });
  const detail = await getSessionDetail(prisma, id);
  if (!detail) return Response.json({ error: "session not found" }, { status: 404 });
  const stamp = detail.session.startedAt.toISOString().slice(0, 10);
  return csvResponse(attendanceToCsv(detail.session, detail.attendances), `attendance-${stamp}-${id}.csv`);
}
