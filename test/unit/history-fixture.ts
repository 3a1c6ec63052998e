// Shared setup of the history tests: a fresh migrated database per test (SQLite, and
// PostgreSQL when TEST_POSTGRES=1) with one host and one meeting, a controllable clock, a
// logger that collects errors, and helpers to make peers and quality samples.
import { afterEach, before, beforeEach } from "node:test";
import { HistoryRecorder, type HistoryLogger, type HistoryPeer, type HistoryRecorderOptions } from "@/server/history/history-recorder";
import type { PeerQuality } from "@/lib/signaling/protocol";
import type { Db } from "@/lib/db";
import { freshDb, templateDb, type Backend, type TestDb } from "./db-helper";

export const T0 = Date.parse("2030-01-01T10:00:00Z");

export interface HistoryContext {
  readonly db: Db;
  /** The fake clock (ms); tests move it forward. */
  clock: number;
  readonly errors: unknown[];
  readonly meetingId: string;
  readonly hostId: string;
  /** T0 + s seconds. */
  at(s: number): Date;
  recorder(opts?: Partial<HistoryRecorderOptions>): HistoryRecorder;
  peer(participantKey: string, extra?: Partial<HistoryPeer>): HistoryPeer;
  q(peerId: string, packetLossPercent: number, rttMs: number | null, sendKbps: number, recvKbps: number, extra?: Partial<PeerQuality>): PeerQuality;
  sessions(): ReturnType<Db["meetingSession"]["findMany"]>;
  attendances(): ReturnType<Db["attendance"]["findMany"]>;
}

let peerSeq = 0;

/** Registers the hooks for one describe() block; the returned context is valid inside its tests. */
export function useHistoryDb(backend: Backend): HistoryContext {
  let t: TestDb;
  const errors: unknown[] = [];
  const logger: HistoryLogger = { info() {}, warn() {}, error: (o) => errors.push(o) };
  const ctx = {
    clock: T0,
    errors,
    meetingId: "",
    hostId: "",
    get db() {
      return t.db;
    },
    at: (s: number) => new Date(T0 + s * 1000),
    recorder(opts: Partial<HistoryRecorderOptions> = {}) {
      return new HistoryRecorder({ db: t.db, logger, now: () => new Date(ctx.clock), timers: false, ...opts });
    },
    peer(participantKey: string, extra: Partial<HistoryPeer> = {}): HistoryPeer {
      return {
        id: `peer-${++peerSeq}`,
        participantKey,
        userId: null,
        isGuest: true,
        isHost: false,
        meetingId: ctx.meetingId,
        displayName: participantKey.toUpperCase(),
        ...extra,
      };
    },
    q(peerId: string, packetLossPercent: number, rttMs: number | null, sendKbps: number, recvKbps: number, extra: Partial<PeerQuality> = {}): PeerQuality {
      return { peerId, level: "good", score: 9, packetLossPercent, rttMs, sendKbps, recvKbps, ...extra };
    },
    sessions: () => t.db.meetingSession.findMany({ orderBy: { startedAt: "asc" } }),
    attendances: () => t.db.attendance.findMany({ orderBy: [{ joinedAt: "asc" }, { participantKey: "asc" }] }),
  };

  before(async () => {
    if (backend === "sqlite") await templateDb(); // migrate once, outside the per-test timings
  });

  beforeEach(async () => {
    t = await freshDb(backend);
    ctx.clock = T0;
    errors.length = 0;
    const host = await t.db.user.create({ data: { email: "host@example.com", name: "Host" } });
    ctx.hostId = host.id;
    const m = await t.db.meeting.create({
      data: {
        title: "Standup",
        startsAt: ctx.at(0),
        durationMinutes: 30,
        timeZone: "UTC",
        hostId: host.id,
        inviteToken: "tok-" + Math.random().toString(36).slice(2),
      },
    });
    ctx.meetingId = m.id;
  });

  afterEach(async () => {
    await t.dispose();
  });

  return ctx;
}
