// Per-participant quality timeline of one session (the admin session page's chart): the
// points the recorder wrote every ~10 s and the joins / leaves / reconnects, thinned to at
// most `maxPoints` per person (bucket means) so long meetings stay light.
import type { Db } from "@/lib/db";

export interface TimelinePoint {
  t: number;
  loss: number | null;
  rtt: number | null;
  sendKbps: number | null;
  recvKbps: number | null;
  downLoss: number | null;
}

export interface TimelineEvent {
  t: number;
  kind: string;
}

export interface ParticipantTimeline {
  attendanceId: string;
  name: string;
  role: string;
  points: TimelinePoint[];
  events: TimelineEvent[];
}

const KEYS = ["loss", "rtt", "sendKbps", "recvKbps", "downLoss"] as const;

/** Bucket means: keeps the shape of a long series with `max` points. */
export function thin(points: TimelinePoint[], max: number): TimelinePoint[] {
  if (points.length <= max) return points;
  const size = Math.ceil(points.length / max);
  const out: TimelinePoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size);
    const p: TimelinePoint = { t: bucket[Math.floor(bucket.length / 2)].t, loss: null, rtt: null, sendKbps: null, recvKbps: null, downLoss: null };
    for (const k of KEYS) {
      const vals = bucket.map((b) => b[k]).filter((v): v is number => v !== null);
      p[k] = vals.length ? Math.round((vals.reduce((a, b) => a + b, 0) / vals.length) * 100) / 100 : null;
    }
    out.push(p);
  }
  return out;
}

export async function sessionTimeline(db: Db, sessionId: string, maxPoints = 400): Promise<ParticipantTimeline[]> {
  const [attendances, points, events] = await Promise.all([
    db.attendance.findMany({ where: { sessionId }, orderBy: [{ joinedAt: "asc" }, { id: "asc" }], select: { id: true, displayName: true, role: true } }),
    db.qualityPoint.findMany({ where: { sessionId }, orderBy: { at: "asc" } }),
    db.attendanceEvent.findMany({ where: { sessionId }, orderBy: { at: "asc" } }),
  ]);
  const byId = new Map<string, ParticipantTimeline>(
    attendances.map((a) => [a.id, { attendanceId: a.id, name: a.displayName, role: a.role, points: [], events: [] }]),
  );
  for (const p of points) {
    byId.get(p.attendanceId)?.points.push({
      t: p.at.getTime(),
      loss: p.packetLoss,
      rtt: p.rttMs,
      sendKbps: p.sendKbps,
      recvKbps: p.recvKbps,
      downLoss: p.downPacketLoss,
    });
  }
  for (const e of events) byId.get(e.attendanceId)?.events.push({ t: e.at.getTime(), kind: e.kind });
  return [...byId.values()].map((p) => ({ ...p, points: thin(p.points, maxPoints) }));
}
