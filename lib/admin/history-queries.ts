// Meeting history for admins: sessions with their meeting/host and attendance, filters,
// paging and CSV. Takes the Prisma client as an argument (tests use their own SQLite).
import type { Db, Prisma } from "@/lib/db";
import { isValidTimeZone, zonedDayEndToUtc, zonedDayStartToUtc } from "@/lib/time/zoned";
import type { QualitySummary } from "@/lib/quality/summary";

export const HISTORY_PAGE_SIZE = 20;
export const CSV_MAX_ROWS = 50_000;

export interface HistoryFilters {
  /** Sessions that started at or after this instant. */
  from?: Date;
  /** Sessions that started before this instant (exclusive). */
  to?: Date;
  hostId?: string;
}

/** The raw query-string values, echoed back into the filter form and the CSV link. */
export interface HistoryQuery {
  from: string;
  to: string;
  host: string;
  tz: string;
  page: number;
}

export interface HistoryRow {
  id: string;
  meetingId: string;
  meetingTitle: string;
  hostId: string;
  hostName: string | null;
  hostEmail: string;
  startedAt: Date;
  endedAt: Date | null;
  /** null while the session is still open. */
  durationMs: number | null;
  /** Distinct people (participantKey) who attended. */
  participants: number;
  peakParticipants: number;
}

type SearchParams = Record<string, string | string[] | undefined> | URLSearchParams;

function param(sp: SearchParams, key: string): string {
  const v = sp instanceof URLSearchParams ? sp.get(key) : sp[key];
  return (Array.isArray(v) ? v[0] : v ?? "").trim();
}

/** Query string -> filters. Dates are calendar days ("YYYY-MM-DD") in `tz` (default UTC), inclusive. */
export function parseHistoryQuery(sp: SearchParams): { query: HistoryQuery; filters: HistoryFilters; errors: string[] } {
  const errors: string[] = [];
  const tzRaw = param(sp, "tz");
  const tz = tzRaw && isValidTimeZone(tzRaw) ? tzRaw : "UTC";
  const from = param(sp, "from");
  const to = param(sp, "to");
  const host = param(sp, "host").slice(0, 64);
  const pageNum = Number.parseInt(param(sp, "page") || "1", 10);
  const page = Number.isFinite(pageNum) && pageNum >= 1 ? Math.min(pageNum, 100_000) : 1;
  const filters: HistoryFilters = {};
  if (from) {
    const d = zonedDayStartToUtc(from, tz);
    if (d) filters.from = d;
    else errors.push("Invalid 'from' date");
  }
  if (to) {
    const d = zonedDayEndToUtc(to, tz);
    if (d) filters.to = d;
    else errors.push("Invalid 'to' date");
  }
  if (filters.from && filters.to && filters.from >= filters.to) errors.push("'From' must be on or before 'to'");
  if (host) filters.hostId = host;
  return { query: { from, to, host, tz, page }, filters, errors };
}

export function historyWhere(f: HistoryFilters): Prisma.MeetingSessionWhereInput {
  const where: Prisma.MeetingSessionWhereInput = {};
  if (f.from || f.to) where.startedAt = { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) };
  if (f.hostId) where.meeting = { hostId: f.hostId };
  return where;
}

// One Attendance row per person and session: the participant count is the row count.
const sessionInclude = {
  meeting: { select: { id: true, title: true, hostId: true, host: { select: { name: true, email: true } } } },
  _count: { select: { attendances: true } },
} as const;

type SessionWithMeeting = Prisma.MeetingSessionGetPayload<{ include: typeof sessionInclude }>;

function toRow(s: SessionWithMeeting, participants: number = s._count.attendances): HistoryRow {
  return {
    id: s.id,
    meetingId: s.meeting.id,
    meetingTitle: s.meeting.title,
    hostId: s.meeting.hostId,
    hostName: s.meeting.host.name,
    hostEmail: s.meeting.host.email,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    durationMs: s.endedAt ? Math.max(0, s.endedAt.getTime() - s.startedAt.getTime()) : null,
    participants,
    peakParticipants: s.peakParticipants,
  };
}

/** One page of sessions, newest first. */
export async function listSessions(
  db: Db,
  filters: HistoryFilters,
  opts: { page?: number; pageSize?: number } = {},
): Promise<{ rows: HistoryRow[]; total: number; page: number; pageCount: number; pageSize: number }> {
  const pageSize = opts.pageSize ?? HISTORY_PAGE_SIZE;
  const where = historyWhere(filters);
  const total = await db.meetingSession.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, opts.page ?? 1), pageCount);
  const sessions = await db.meetingSession.findMany({
    where,
    include: sessionInclude,
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * pageSize,
    take: pageSize,
  });
  return { rows: sessions.map((s) => toRow(s)), total, page, pageCount, pageSize };
}

/** Every matching session (newest first, capped) for the CSV export. */
export async function listAllSessions(db: Db, filters: HistoryFilters, max = CSV_MAX_ROWS): Promise<HistoryRow[]> {
  const sessions = await db.meetingSession.findMany({
    where: historyWhere(filters),
    include: sessionInclude,
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: max,
  });
  return sessions.map((s) => toRow(s));
}

/** Every matching session with its attendance rows (CSV export), attendances read in chunks. */
export async function listAllSessionsWithAttendance(db: Db, filters: HistoryFilters, max = CSV_MAX_ROWS, now: Date = new Date()) {
  const sessions = await listAllSessions(db, filters, max);
  const bySession = new Map<string, AttendanceRow[]>();
  for (let i = 0; i < sessions.length; i += 500) {
    const ids = sessions.slice(i, i + 500).map((s) => s.id);
    const rows = await db.attendance.findMany({
      where: { sessionId: { in: ids } },
      orderBy: [{ joinedAt: "asc" }, { id: "asc" }],
      include: { user: { select: { email: true } } },
    });
    for (const a of rows) {
      const list = bySession.get(a.sessionId) ?? [];
      list.push(toAttendanceRow(a, now));
      bySession.set(a.sessionId, list);
    }
  }
  return sessions.map((session) => ({ session, attendances: bySession.get(session.id) ?? [] }));
}

/** Hosts that have at least one meeting (for the filter select). */
export async function listHosts(db: Db): Promise<{ id: string; name: string | null; email: string }[]> {
  return db.user.findMany({
    where: { meetings: { some: {} } },
    select: { id: true, name: true, email: true },
    orderBy: [{ name: "asc" }, { email: "asc" }],
    take: 1000,
  });
}

export interface AttendanceRow extends QualitySummary {
  id: string;
  displayName: string;
  isGuest: boolean;
  /** "host" | "co-host" | "signed-in" | "guest". */
  role: string;
  userId: string | null;
  userEmail: string | null;
  participantKey: string;
  /** First join. */
  joinedAt: Date;
  /** Last leave (null while in the meeting). */
  leftAt: Date | null;
  /** In-meeting time summed over all joins (the current stay counted up to now). */
  durationMs: number;
  joinCount: number;
  reconnectCount: number;
}

/** Stored in-meeting time plus the stay in progress. */
export function inMeetingMs(a: { inMeetingMs: number; currentJoinAt: Date | null; leftAt: Date | null }, now: Date = new Date()): number {
  const current = a.currentJoinAt && !a.leftAt ? Math.max(0, now.getTime() - a.currentJoinAt.getTime()) : 0;
  return a.inMeetingMs + current;
}

type StoredAttendance = Prisma.AttendanceGetPayload<{ include: { user: { select: { email: true } } } }>;

export function toAttendanceRow(stored: StoredAttendance, now: Date = new Date()): AttendanceRow {
  const { user, sessionId: _s, lastSeenAt: _l, currentJoinAt, inMeetingMs: ms, endReason: _e, ...a } = stored;
  return { ...a, userEmail: user?.email ?? null, durationMs: inMeetingMs({ inMeetingMs: ms, currentJoinAt, leftAt: a.leftAt }, now) };
}

export async function getSessionDetail(db: Db, id: string, now: Date = new Date()) {
  if (!id || id.length > 64) return null;
  const s = await db.meetingSession.findUnique({
    where: { id },
    include: {
      ...sessionInclude,
      attendances: { orderBy: [{ joinedAt: "asc" }, { id: "asc" }], include: { user: { select: { email: true } } } },
    },
  });
  if (!s) return null;
  const attendances = s.attendances.map((a) => toAttendanceRow(a, now));
  return { session: toRow(s), attendances };
}

// ---- formatting -----------------------------------------------------------------------

/** "1h 05m", "12m 30s", "45s". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "ongoing";
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}

/** Packet loss (the recorder stores percent, 0..100) as "0.5%" / "12%". */
export function formatLossPercent(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "–";
  return `${v.toFixed(v < 10 ? 1 : 0)}%`;
}

export function formatNumber(v: number | null, unit = ""): string {
  if (v === null || !Number.isFinite(v)) return "–";
  return `${Math.round(v)}${unit}`;
}

// ---- CSV -------------------------------------------------------------------------------

/** One CSV field (RFC 4180 quoting; text starting with = + - @ is prefixed with ' so
 * spreadsheets do not evaluate it as a formula). */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  let s = typeof value === "string" ? value : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields: (string | number | boolean | null | undefined)[]): string {
  return fields.map(csvField).join(",");
}

export const CSV_HEADER = [
  "session_id",
  "meeting_id",
  "meeting_title",
  "host_name",
  "host_email",
  "started_at_utc",
  "ended_at_utc",
  "duration_seconds",
  "participants",
  "peak_participants",
];

/** Query string for links that keep the current filters (page optional). */
export function historySearch(q: Pick<HistoryQuery, "from" | "to" | "host" | "tz">, page?: number): string {
  const sp = new URLSearchParams();
  if (q.from) sp.set("from", q.from);
  if (q.to) sp.set("to", q.to);
  if (q.host) sp.set("host", q.host);
  if (q.tz && q.tz !== "UTC") sp.set("tz", q.tz);
  if (page && page > 1) sp.set("page", String(page));
  const s = sp.toString();
  return s ? `?${s}` : "";
}
