import type { Metadata } from "next";
import Link from "next/link";
import { prisma } from "@/lib/db";
import { adminPageGuard } from "@/lib/admin/guard";
import { forbiddenIfSupported } from "@/lib/auth/forbidden";
import {
  formatDuration,
  historySearch,
  listHosts,
  listSessions,
  parseHistoryQuery,
} from "@/lib/admin/history-queries";
import { AdminForbidden } from "@/components/admin/AdminForbidden";
import { TimeZoneInput, TimeZoneLabel } from "@/components/admin/TimeZoneInput";
import { buttonClass } from "@/components/ui/Button";
import { controlClass } from "@/components/ui/Field";
import { FormError } from "@/components/ui/FormError";
import { LocalTime } from "@/components/ui/LocalTime";

export const metadata: Metadata = { title: "Meeting history · Meet" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminHistoryPage({ searchParams }: Props) {
  const { admin } = await adminPageGuard("/admin");
  if (!admin) {
    forbiddenIfSupported();
    return <AdminForbidden />;
  }
  const { query, filters, errors } = parseHistoryQuery(await searchParams);
  const [result, hosts] = await Promise.all([
    errors.length ? null : listSessions(prisma, filters, { page: query.page }),
    listHosts(prisma),
  ]);

  return (
    <main className="mx-auto max-w-6xl space-y-6 px-6 py-10">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">Meeting history</h1>
        <a
          href={`/api/admin/sessions.csv${historySearch(query)}`}
          className={buttonClass("secondary")}
          data-testid="history-csv"
          download
        >
          Export CSV
        </a>
      </div>

      <form method="get" className="flex flex-wrap items-end gap-4 rounded-lg border border-slate-800 p-4" aria-label="Filters">
        <div>
          <label htmlFor="filter-from" className="block text-sm text-slate-300">From</label>
          <input id="filter-from" name="from" type="date" defaultValue={query.from} className={controlClass} data-testid="history-from" />
        </div>
        <div>
          <label htmlFor="filter-to" className="block text-sm text-slate-300">To</label>
          <input id="filter-to" name="to" type="date" defaultValue={query.to} className={controlClass} data-testid="history-to" />
        </div>
        <div>
          <label htmlFor="filter-host" className="block text-sm text-slate-300">Host</label>
          <select id="filter-host" name="host" defaultValue={query.host} className={controlClass} data-testid="history-host">
            <option value="">All hosts</option>
            {hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name ? `${h.name} (${h.email})` : h.email}
              </option>
            ))}
          </select>
        </div>
        <TimeZoneInput />
        <button type="submit" className={buttonClass("primary")} data-testid="history-filter">
          Apply
        </button>
        <Link href="/admin" className={buttonClass("ghost")}>
          Reset
        </Link>
        <p className="w-full text-xs text-slate-500">
          Days and times are in your time zone (<TimeZoneLabel />).
        </p>
      </form>

      {errors.length ? <FormError message={errors.join(". ")} /> : null}

      {result ? (
        <>
          <p className="text-sm text-slate-400" data-testid="history-total">
            {result.total} session{result.total === 1 ? "" : "s"}
          </p>
          <div className="overflow-x-auto rounded-lg border border-slate-800">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Meeting sessions, newest first</caption>
              <thead className="bg-slate-900 text-slate-300">
                <tr>
                  <th scope="col" className="px-3 py-2">Meeting</th>
                  <th scope="col" className="px-3 py-2">Host</th>
                  <th scope="col" className="px-3 py-2">Started</th>
                  <th scope="col" className="px-3 py-2">Ended</th>
                  <th scope="col" className="px-3 py-2">Duration</th>
                  <th scope="col" className="px-3 py-2 text-right">Participants</th>
                  <th scope="col" className="px-3 py-2 text-right">Peak</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-800">
                {result.rows.length === 0 ? (
                  <tr>
                    <td colSpan={7} className="px-3 py-6 text-center text-slate-400">
                      No sessions match these filters.
                    </td>
                  </tr>
                ) : (
                  result.rows.map((r) => (
                    <tr key={r.id} data-testid="history-row" data-session-id={r.id} className="hover:bg-slate-900/60">
                      <td className="px-3 py-2">
                        <Link href={`/admin/sessions/${r.id}`} className="text-sky-400 hover:underline">
                          {r.meetingTitle}
                        </Link>
                      </td>
                      <td className="px-3 py-2">{r.hostName ?? r.hostEmail}</td>
                      <td className="px-3 py-2 whitespace-nowrap">
                        <LocalTime iso={r.startedAt.toISOString()} />
                      </td>
                      <td className="px-3 py-2 whitespace-nowrap">
                        {r.endedAt ? <LocalTime iso={r.endedAt.toISOString()} /> : <span className="text-emerald-400">live</span>}
                      </td>
                      <td className="px-3 py-2 whitespace-nowrap">{formatDuration(r.durationMs)}</td>
                      <td className="px-3 py-2 text-right" data-testid="history-participants">{r.participants}</td>
                      <td className="px-3 py-2 text-right" data-testid="history-peak">{r.peakParticipants}</td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          <nav aria-label="Pages" className="flex items-center justify-between text-sm">
            {result.page > 1 ? (
              <Link href={`/admin${historySearch(query, result.page - 1)}`} className={buttonClass("secondary")} data-testid="history-prev" rel="prev">
                ← Newer
              </Link>
            ) : (
              <span />
            )}
            <span className="text-slate-400" data-testid="history-page">
              Page {result.page} of {result.pageCount}
            </span>
            {result.page < result.pageCount ? (
              <Link href={`/admin${historySearch(query, result.page + 1)}`} className={buttonClass("secondary")} data-testid="history-next" rel="next">
                Older →
              </Link>
            ) : (
              <span />
            )}
          </nav>
        </>
      ) : null}
    </main>
  );
}
