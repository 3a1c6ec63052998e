// GET /api/admin/sessions.csv?from&to&host[&tz] -> the filtered history as CSV (admins only):
// one line per person and session with the attendance columns.
import { prisma } from "@/lib/db";
import { adminApiGuard } from "@/lib/admin/guard";
import { listAllSessionsWithAttendance, parseHistoryQuery } from "@/lib/admin/history-queries";
import { csvResponse, historyWithAttendanceToCsv } from "@/lib/admin/attendance-csv";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const guard = await adminApiGuard();
  if (guard.response) return guard.response;
  const { filters, errors } = parseHistoryQuery(new URL(req.url).searchParams);
  if (errors.length) return Response.json({ error: errors.join("; ") }, { status: 400 });
  const csv = historyWithAttendanceToCsv(await listAllSessionsWithAttendance(prisma, filters));
  return csvResponse(csv, `meeting-history-${new Date().toISOString().slice(0, 10)}.csv`);
}
