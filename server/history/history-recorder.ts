// Meeting history: turns the room events of the SFU into MeetingSession / Attendance rows.
//
// Rules
// - Only rooms whose peers carry a meetingId (from the join token) are recorded.
// - The first join into an empty room opens a MeetingSession; the last leave ends it.
// - A participant (participantKey) gets one Attendance row per stay. Extra connections of
//   the same participant while that row is open (a second tab, a socket that dropped and
//   came back before the old one was reaped) reuse it; it closes when the last one leaves.
// - peakParticipants = most distinct participants present at once.
// - Quality samples are folded into running means in memory and written at most every
//   `flushIntervalMs` (and when the attendance closes), not per sample.
// - Open sessions/attendances get lastSeenAt refreshed every `heartbeatIntervalMs`;
//   closeStaleSessions() (at server start) closes what a crash left open at its lastSeenAt.
// - All writes of one session go through one promise queue (no join/leave races), and a
//   failing write is logged, never thrown into the signaling path.
import type { PeerQuality } from "@/lib/signaling/protocol";
import type { Db } from "@/lib/db";
import { logger as serverLogger } from "@/server/logger";
import type { ObservedPeer, RoomObserver } from "@/server/rooms/room-observer";
import {
  addQualitySample,
  newPresence,
  newQuality,
  presenceJoin,
  presenceLeave,
  qualitySummary,
  SerialQueue,
  type Presence,
  type QualityAccumulator,
} from "./bookkeeping";
import { adoptOpenSession, closeAbsentAttendances, reuseOpenAttendance, type AdoptablePredicate } from "./session-adoption";

/** What the recorder needs from a peer (the identity from its join token); ObservedPeer fits. */
export interface HistoryPeer {
  /** Per-connection peer id (the one quality samples refer to). */
  id: string;
  participantKey: string;
  userId?: string | null;
  isGuest: boolean;
  isHost?: boolean;
  meetingId?: string | null;
  displayName: string;
}

export interface HistoryLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface HistoryRecorderOptions {
  db: Db;
  /** This server's node id, stored on the sessions it opens (per-node crash close). */
  nodeId?: string;
  /**
   * Several nodes: an open session of the meeting left by a node that is gone may be
   * continued (./session-adoption.ts). Unset: every room start opens a new session.
   */
  adoptable?: AdoptablePredicate;
  /** In an adopted session, participants not back after this are closed (default 60 s). */
  adoptionGraceMs?: number;
  /**
   * Cascaded rooms: the node that owns the room's session when this node only hosts part of
   * it (an edge), else null. An edge adds its participants' attendances to the home's open
   * session instead of starting a session of its own, and never ends it.
   */
  sessionOwner?: (roomId: string) => Promise<string | null>;
  logger?: HistoryLogger;
  /** Quality flush period (default 10 s). */
  flushIntervalMs?: number;
  /** lastSeenAt refresh period (default 30 s). */
  heartbeatIntervalMs?: number;
  /** Clock (tests). */
  now?: () => Date;
  /** Start the flush/heartbeat timers (default true; tests call flush()/heartbeat()). */
  timers?: boolean;
}

interface Participant {
  key: string;
  attendanceId: string | null;
  quality: QualityAccumulator;
  dirty: boolean;
}

/** One live session of one room; replaced by a fresh one after the room empties. */
interface SessionRecord {
  roomId: string;
  meetingId: string;
  sessionId: string | null;
  /** The session could not be created: nothing more is written for it. */
  failed: boolean;
  /** Continues a session a dead node (or this node's previous run) left open. */
  adopted: boolean;
  /** Another node's session (this node is an edge of a cascaded room): attendances only. */
  shared: boolean;
  presence: Presence;
  participants: Map<string, Participant>;
  /** peer id -> participantKey (for quality samples). */
  peers: Map<string, string>;
  queue: SerialQueue;
}

// Compile-time check that the server's peer view carries what the recorder reads.
const _peerFits = (p: ObservedPeer): HistoryPeer => p;
void _peerFits;

/** Prisma "foreign key constraint failed". */
function isForeignKeyError(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2003";
}

export class HistoryRecorder implements RoomObserver {
  private readonly db: Db;
  private readonly nodeId: string | null;
  private readonly adoptable: AdoptablePredicate | null;
  private readonly adoptionGraceMs: number;
  private readonly sessionOwner: HistoryRecorderOptions["sessionOwner"] | null;
  private readonly log: HistoryLogger;
  private readonly now: () => Date;
  private readonly rooms = new Map<string, SessionRecord>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(opts: HistoryRecorderOptions) {
    this.db = opts.db;
    this.nodeId = opts.nodeId ?? null;
    this.adoptable = opts.adoptable ?? null;
    this.adoptionGraceMs = opts.adoptionGraceMs ?? 60_000;
    this.sessionOwner = opts.sessionOwner ?? null;
    this.log = opts.logger ?? serverLogger.child({ component: "history" });
    this.now = opts.now ?? (() => new Date());
    if (opts.timers !== false) {
      const flush = setInterval(() => this.flush(), opts.flushIntervalMs ?? 10_000);
      const beat = setInterval(() => this.heartbeat(), opts.heartbeatIntervalMs ?? 30_000);
      flush.unref();
      beat.unref();
      this.timers.push(flush, beat);
    }
  }

  // ---- RoomObserver -------------------------------------------------------------------

  peerJoined(roomId: string, peer: HistoryPeer): void {
    try {
      if (!peer.meetingId) return;
      const at = this.now();
      let rec = this.rooms.get(roomId);
      if (!rec) {
        rec = this.newRecord(roomId, peer.meetingId);
        this.rooms.set(roomId, rec);
      } else if (rec.meetingId !== peer.meetingId) {
        this.log.warn({ roomId, meetingId: peer.meetingId, recorded: rec.meetingId }, "peer joined with another meetingId; recorded under the room's");
      }
      rec.peers.set(peer.id, peer.participantKey);
      const out = presenceJoin(rec.presence, peer.participantKey);
      if (out.roomWasEmpty) this.enqueue(rec, "open session", () => this.openSession(rec!, at));
      if (!out.firstConnection) return; // same participant, another connection: row stays as is
      const p: Participant = { key: peer.participantKey, attendanceId: null, quality: newQuality(), dirty: false };
      rec.participants.set(p.key, p);
      const peak = rec.presence.peak;
      this.enqueue(rec, "open attendance", async () => {
        await this.openAttendance(rec!, p, peer, at);
        if (out.peakChanged && !out.roomWasEmpty && !rec.shared) {
          await this.db.meetingSession.update({
            where: { id: rec!.sessionId! },
            // an adopted session may already have had a higher peak (set when it was adopted)
            data: { peakParticipants: Math.max(peak, rec!.presence.peak), lastSeenAt: at },
          });
        }
      });
    } catch (e) {
      this.log.error({ err: e, roomId }, "history: peerJoined failed");
    }
  }

  peerLeft(roomId: string, peer: HistoryPeer): void {
    try {
      const rec = this.rooms.get(roomId);
      if (!rec) return;
      const at = this.now();
      rec.peers.delete(peer.id);
      const out = presenceLeave(rec.presence, peer.participantKey);
      if (out.unknown) return;
      if (out.lastConnection) {
        const p = rec.participants.get(peer.participantKey);
        rec.participants.delete(peer.participantKey);
        if (p) this.enqueue(rec, "close attendance", () => this.closeAttendance(p, at, rec.shared));
      }
      if (out.roomEmpty) this.endSession(rec, at);
    } catch (e) {
      this.log.error({ err: e, roomId }, "history: peerLeft failed");
    }
  }

  qualitySample(roomId: string, peerId: string, q: PeerQuality): void {
    try {
      const rec = this.rooms.get(roomId);
      const key = rec?.peers.get(peerId);
      const p = key ? rec!.participants.get(key) : undefined;
      if (!p) return;
      addQualitySample(p.quality, q);
      p.dirty = true;
    } catch (e) {
      this.log.error({ err: e, roomId }, "history: qualitySample failed");
    }
  }

  roomClosed(roomId: string): void {
    try {
      const rec = this.rooms.get(roomId);
      if (!rec) return;
      const at = this.now();
      for (const p of rec.participants.values()) {
        this.enqueue(rec, "close attendance", () => this.closeAttendance(p, at, rec.shared));
      }
      rec.participants.clear();
      rec.presence.connections.clear();
      rec.peers.clear();
      this.endSession(rec, at);
    } catch (e) {
      this.log.error({ err: e, roomId }, "history: roomClosed failed");
    }
  }

  // ---- periodic work ------------------------------------------------------------------

  /** Writes the quality means of attendances that got samples since the last flush. */
  flush(): void {
    for (const rec of this.rooms.values()) {
      if (rec.shared) this.enqueue(rec, "take over", () => this.takeOverIfHome(rec));
      for (const p of rec.participants.values()) {
        if (!p.dirty) continue;
        p.dirty = false;
        this.enqueue(rec, "flush quality", async () => {
          if (!p.attendanceId) return;
          await this.db.attendance.update({ where: { id: p.attendanceId }, data: qualitySummary(p.quality) });
        });
      }
    }
  }

  /** Refreshes lastSeenAt of every open session and its open attendances. */
  heartbeat(): void {
    const at = this.now();
    for (const rec of this.rooms.values()) {
      this.enqueue(rec, "heartbeat", async () => {
        if (!rec.sessionId) return;
        await this.takeOverIfHome(rec);
        await this.db.meetingSession.update({ where: { id: rec.sessionId }, data: { lastSeenAt: at } });
        await this.db.attendance.updateMany({
          where: { sessionId: rec.sessionId, leftAt: null },
          data: { lastSeenAt: at },
        });
      });
    }
  }

  /** A shared session (this node was an edge) whose room's home moved here: own it from now on. */
  private async takeOverIfHome(rec: SessionRecord): Promise<void> {
    if (!rec.shared || !rec.sessionId || !this.sessionOwner) return;
    if ((await this.sessionOwner(rec.roomId)) !== null) return;
    await this.db.meetingSession.update({ where: { id: rec.sessionId }, data: { nodeId: this.nodeId } });
    rec.shared = false;
  }

  /** Resolves when every write queued so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  /** Graceful stop: ends every open session now, stops the timers, waits for the writes. */
  async shutdown(): Promise<void> {
    for (const roomId of [...this.rooms.keys()]) this.roomClosed(roomId);
    this.stopTimers();
    await this.idle();
  }

  stopTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }

  /** For diagnostics/tests: distinct participants currently present in a room. */
  presentCount(roomId: string): number {
    return this.rooms.get(roomId)?.presence.connections.size ?? 0;
  }

  // ---- writes (always run inside a session's queue) -------------------------------------

  private newRecord(roomId: string, meetingId: string): SessionRecord {
    return {
      roomId,
      meetingId,
      sessionId: null,
      failed: false,
      adopted: false,
      shared: false,
      presence: newPresence(),
      participants: new Map(),
      peers: new Map(),
      queue: new SerialQueue(),
    };
  }

  private enqueue(rec: SessionRecord, what: string, task: () => Promise<void>): void {
    const run = rec.queue.push(
      async () => {
        if (rec.failed) return;
        await task();
      },
      (err) => this.log.error({ err, roomId: rec.roomId, meetingId: rec.meetingId, sessionId: rec.sessionId }, `history: ${what} failed`),
    );
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run));
  }

  private async openSession(rec: SessionRecord, at: Date): Promise<void> {
    const owner = this.sessionOwner ? await this.sessionOwner(rec.roomId) : null;
    if (owner) {
      const shared = await this.db.meetingSession.findFirst({
        where: { meetingId: rec.meetingId, endedAt: null, nodeId: owner },
        orderBy: { startedAt: "desc" },
        select: { id: true },
      });
      if (shared) {
        rec.sessionId = shared.id;
        rec.shared = true;
        return;
      }
    }
    if (this.adoptable) {
      const adopted = await adoptOpenSession(this.db, rec.meetingId, this.nodeId, this.adoptable, at);
      if (adopted) {
        rec.sessionId = adopted.id;
        rec.adopted = true;
        // the peak so far counts: this node only saw people since the room came back
        rec.presence.peak = Math.max(rec.presence.peak, adopted.peakParticipants);
        this.log.info({ roomId: rec.roomId, sessionId: adopted.id }, "history: continuing the session a node left open");
        const timer = setTimeout(() => {
          if (this.rooms.get(rec.roomId) !== rec) return; // ended meanwhile: endSession closed everything
          this.enqueue(rec, "close absent attendances", async () => {
            await closeAbsentAttendances(this.db, adopted.id, [...rec.participants.keys()]);
          });
        }, this.adoptionGraceMs);
        timer.unref();
        return;
      }
    }
    try {
      const s = await this.db.meetingSession.create({
        data: { meetingId: rec.meetingId, startedAt: at, lastSeenAt: at, peakParticipants: 1, nodeId: this.nodeId },
        select: { id: true },
      });
      rec.sessionId = s.id;
    } catch (e) {
      rec.failed = true; // e.g. the meeting was deleted: record nothing for this session
      throw e;
    }
  }

  private async openAttendance(rec: SessionRecord, p: Participant, peer: HistoryPeer, at: Date): Promise<void> {
    const data = {
      sessionId: rec.sessionId!,
      userId: peer.userId ?? null,
      participantKey: peer.participantKey,
      displayName: peer.displayName.slice(0, 200),
      isGuest: peer.isGuest,
      joinedAt: at,
      lastSeenAt: at,
    };
    // the same person back (after a node death) or moving between the nodes of one session
    if (rec.adopted || rec.shared) {
      const reused = await reuseOpenAttendance(this.db, rec.sessionId!, peer.participantKey, at);
      if (reused) {
        p.attendanceId = reused;
        return;
      }
    }
    let row: { id: string };
    try {
      row = await this.db.attendance.create({ data, select: { id: true } });
    } catch (e) {
      if (!data.userId || !isForeignKeyError(e)) throw e;
      // The user account is gone (deleted after the token was issued): keep the row anyway.
      row = await this.db.attendance.create({ data: { ...data, userId: null }, select: { id: true } });
    }
    p.attendanceId = row.id;
  }

  /** `own`: the row is this node's even though the session is not (an edge's attendance). */
  private async closeAttendance(p: Participant, at: Date, own = false): Promise<void> {
    if (!p.attendanceId) return;
    p.dirty = false;
    // (not when another node has taken the session over: the person is there now)
    await this.db.attendance.updateMany({
      where: { id: p.attendanceId, ...(this.nodeId !== null && !own ? { session: { nodeId: this.nodeId } } : {}) },
      data: { leftAt: at, lastSeenAt: at, ...qualitySummary(p.quality) },
    });
  }

  /** Queues the end of `rec`'s session and forgets it (the next join starts a new one). */
  private endSession(rec: SessionRecord, at: Date): void {
    if (this.rooms.get(rec.roomId) === rec) this.rooms.delete(rec.roomId);
    const peak = rec.presence.peak;
    this.enqueue(rec, "end session", async () => {
      if (!rec.sessionId) return;
      // Only while it is still ours: another node may have continued it (this node was
      // taken for dead and its room moved there).
      const { count } = await this.db.meetingSession.updateMany({
        where: { id: rec.sessionId, ...(this.nodeId !== null ? { nodeId: this.nodeId } : {}) },
        data: { endedAt: at, lastSeenAt: at, peakParticipants: peak },
      });
      if (count === 0) return;
      // Belt and braces: nothing of an ended session stays open.
      await this.db.attendance.updateMany({
        where: { sessionId: rec.sessionId, leftAt: null },
        data: { leftAt: at, lastSeenAt: at },
      });
    });
  }
}

/**
 * Closes sessions and attendances a crash left open, at their last heartbeat (lastSeenAt).
 * Call once at server start, before any room can record (the recorder keeps its state in
 * memory, so everything still open in the database is stale then).
 *
 * With `nodeIds` (several nodes), only the sessions of those nodes (this one, and nodes the
 * registry declared dead) and of rows from before node ids existed are closed: another live
 * node's sessions are not stale. Without it, every open session is (one node).
 */
export async function closeStaleSessions(
  db: Db,
  options: { nodeIds?: readonly string[] } = {},
): Promise<{ sessions: number; attendances: number }> {
  const ofNodes = options.nodeIds
    ? { OR: [{ nodeId: { in: [...options.nodeIds] } }, { nodeId: null }] }
    : {};
  const openAttendances = await db.attendance.findMany({
    where: { leftAt: null, session: ofNodes },
    select: { id: true, lastSeenAt: true },
  });
  for (const a of openAttendances) {
    await db.attendance.update({ where: { id: a.id }, data: { leftAt: a.lastSeenAt } });
  }
  const openSessions = await db.meetingSession.findMany({
    where: { endedAt: null, ...ofNodes },
    select: { id: true, lastSeenAt: true, attendances: { select: { leftAt: true, lastSeenAt: true } } },
  });
  for (const s of openSessions) {
    let end = s.lastSeenAt;
    for (const a of s.attendances) {
      const t = a.leftAt ?? a.lastSeenAt;
      if (t > end) end = t;
    }
    await db.meetingSession.update({ where: { id: s.id }, data: { endedAt: end, lastSeenAt: end } });
  }
  return { sessions: openSessions.length, attendances: openAttendances.length };
}
