// GET /api/admin/sessions.csv?from&to&host[&tz] -> the filtered history as CSV (admins only).
import { prisma } from "@/lib/db";
import { adminApiGuard } from "@/lib/admin/guard";
import { listAllSessions, parseHistoryQuery, sessionsToCsv } from "@/lib/admin/history-queries";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const guard = await adminApiGuard();
  if (guard.response) return guard.response;
  const { filters, errors } = parseHistoryQuery(new URL(req.url).searchParams);
  if (errors.length) return Response.json({ error: errors.join("; ") }, { status: 400 });
  const csv = sessionsToCsv(await listAllSessions(prisma, filters));
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="meeting-history-${stamp}.csv"`,
      "cache-control": "private, no-store",
    },
  });
}
