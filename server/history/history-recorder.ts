// Meeting history: turns the room events of the SFU into MeetingSession / Attendance rows.
//
// Rules (event semantics: server/rooms/room-observer.ts)
// - Only rooms whose peers carry a meetingId (from the join token) are recorded.
// - The first join into an empty room opens a MeetingSession, or reopens the meeting's most
//   recent session when that one was interrupted by a server restart or crash no longer
//   than `continueWindowMs` ago (see openSession). roomClosed ends it ("empty").
// - One Attendance row per person (participantKey) per session, whatever happens: a leave
//   and a later rejoin, a replaced connection, a return after a server restart all reuse
//   it. It keeps the first join, the last leave, the number of joins, the in-meeting time
//   summed over the stays (gaps excluded), the role and the number of reconnects.
// - A peer whose reconnect grace period ran out left at `peer.disconnectedAt`.
// - peakParticipants = most distinct participants present at once.
// - Quality samples (uplink and, when present, downlink) are folded into running means in
//   memory and written at most every `flushIntervalMs` (and when a stay ends), not per sample.
// - Open sessions/attendances get lastSeenAt refreshed every `heartbeatIntervalMs`;
//   closeStaleSessions() (at server start) closes what a crash left open at its lastSeenAt.
// - shutdown() ends what is open as interrupted by a restart, so it can be continued.
// - All writes of one room go through one promise queue (no join/leave races, and a new
//   session never starts before the previous one's end is written), and a failing write is
//   logged, never thrown into the signaling path.
import type { PeerQuality } from "@/lib/signaling/protocol";
import type { Attendance, Db } from "@/lib/db";
import { logger as serverLogger } from "@/server/logger";
import type { ObservedPeer, RoomObserver } from "@/server/rooms/room-observer";
import {
  addQualitySample,
  higherRole,
  mergeQuality,
  newPresence,
  newQuality,
  presenceJoin,
  presenceLeave,
  qualityFromSummary,
  qualitySummary,
  roleOf,
  SerialQueue,
  type AttendanceRole,
  type Presence,
  type QualityAccumulator,
} from "./bookkeeping";

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
  /** An explicit role ("co-host"...) when the identity carries one. */
  role?: string;
  /** Set while the peer's socket is lost; a peer removed after its grace period left then. */
  disconnectedAt?: Date | null;
}

export interface HistoryLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Why a session or a stay ended. */
export type SessionEndReason = "empty" | "restart" | "crash";
export type StayEndReason = "left" | "restart" | "crash";

export const DEFAULT_CONTINUE_WINDOW_MS = 10 * 60_000;

export interface HistoryRecorderOptions {
  db: Db;
  logger?: HistoryLogger;
  /** Quality flush period (default 10 s). */
  flushIntervalMs?: number;
  /** lastSeenAt refresh period (default 30 s). */
  heartbeatIntervalMs?: number;
  /**
   * A meeting's session interrupted by a restart/crash is reopened when someone joins
   * within this time after it ended (default 10 min, env HISTORY_CONTINUE_MINUTES).
   */
  continueWindowMs?: number;
  /**
   * A room whose last person left but that never reported roomClosed is ended after this
   * (default 60 s; checked by the heartbeat and the next join).
   */
  emptyGraceMs?: number;
  /** Clock (tests). */
  now?: () => Date;
  /** Start the flush/heartbeat timers (default true; tests call flush()/heartbeat()). */
  timers?: boolean;
  /** This server's node id, stored on the sessions it opens or continues (per-node crash close). */
  nodeId?: string;
  /**
   * Several nodes: may a session still open on node `nodeId` be taken over here (its node is
   * dead, or late with its heartbeat, and its room came here)? It is then closed as a crash
   * and continued like any interrupted session. Unset: never (one node).
   */
  adoptable?: (nodeId: string | null) => boolean | Promise<boolean>;
}

/** One person in one session; kept after they leave so a rejoin reuses their row. */
interface Participant {
  key: string;
  attendanceId: string | null;
  // Mirror of the row, changed only inside the room's queue (in event order).
  stayStart: Date | null;
  inMeetingMs: number;
  joinCount: number;
  reconnects: number;
  role: AttendanceRole;
  quality: QualityAccumulator;
  /** Samples since the last timeline point. */
  window: QualityAccumulator;
  dirty: boolean;
}

/** One live session of one room; replaced by a fresh one after the room closes. */
interface SessionRecord {
  roomId: string;
  meetingId: string;
  sessionId: string | null;
  /** The session could not be created: nothing more is written for it. */
  failed: boolean;
  /** This session was reopened after a restart: rows of returning people exist. */
  continued: boolean;
  /**
   * Several nodes: the session is another live node's (this node carries part of the room,
   * e.g. as its edge). People's rows are shared; the session itself is the other node's to
   * end — unless that node dies, and takeOver() makes it this node's.
   */
  shared: boolean;
  presence: Presence;
  participants: Map<string, Participant>;
  /** peer id -> participantKey (for quality samples and reconnects). */
  peers: Map<string, string>;
  queue: SerialQueue;
  /** peakParticipants as last written. */
  writtenPeak: number;
  /** Latest leave time seen (the session's end when it empties). */
  lastLeftAt: Date | null;
  /** Everybody left; waiting for roomClosed (or emptyGraceMs). */
  emptySince: Date | null;
  emptyReason: SessionEndReason;
}

// Compile-time check that the server's peer view carries what the recorder reads.
const _peerFits = (p: ObservedPeer): HistoryPeer => p;
void _peerFits;

/** Prisma "foreign key constraint failed". */
function isForeignKeyError(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2003";
}

/** Prisma "unique constraint failed". */
function isUniqueError(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2002";
}

const later = (a: Date, b: Date | null) => (b && b > a ? b : a);

export class HistoryRecorder implements RoomObserver {
  private readonly db: Db;
  private readonly log: HistoryLogger;
  private readonly now: () => Date;
  private readonly continueWindowMs: number;
  private readonly emptyGraceMs: number;
  private readonly nodeId: string | null;
  private readonly adoptable: HistoryRecorderOptions["adoptable"] | null;
  private readonly rooms = new Map<string, SessionRecord>();
  /** One write queue per room, shared by its successive sessions. */
  private readonly queues = new Map<string, SerialQueue>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping = false;

  constructor(opts: HistoryRecorderOptions) {
    this.db = opts.db;
    this.log = opts.logger ?? serverLogger.child({ component: "history" });
    this.now = opts.now ?? (() => new Date());
    this.continueWindowMs = opts.continueWindowMs ?? DEFAULT_CONTINUE_WINDOW_MS;
    this.emptyGraceMs = opts.emptyGraceMs ?? 60_000;
    this.nodeId = opts.nodeId ?? null;
    this.adoptable = opts.adoptable ?? null;
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
      if (rec?.emptySince && at.getTime() - rec.emptySince.getTime() > this.emptyGraceMs) {
        this.endSession(rec, rec.emptySince, rec.emptyReason); // never closed by the room: end it now
        rec = undefined;
      }
      if (!rec) {
        rec = this.newRecord(roomId, peer.meetingId);
        this.rooms.set(roomId, rec);
        const r = rec;
        this.enqueue(r, "open session", () => this.openSession(r, at));
      } else if (rec.meetingId !== peer.meetingId) {
        this.log.warn({ roomId, meetingId: peer.meetingId, recorded: rec.meetingId }, "peer joined with another meetingId; recorded under the room's");
      }
      rec.emptySince = null;
      rec.peers.set(peer.id, peer.participantKey);
      const out = presenceJoin(rec.presence, peer.participantKey);
      if (!out.firstConnection) return; // same person, another connection: their stay goes on
      let p = rec.participants.get(peer.participantKey);
      if (!p) {
        p = newParticipant(peer.participantKey);
        rec.participants.set(p.key, p);
      }
      const [r, part] = [rec, p];
      this.enqueue(r, "join", () => this.beginStay(r, part, peer, at));
    } catch (e) {
      this.log.error({ err: e, roomId }, "history: peerJoined failed");
    }
  }

  peerLeft(roomId: string, peer: HistoryPeer): void {
    try {
      const rec = this.rooms.get(roomId);
      if (!rec) return;
      const at = this.leaveTime(peer);
      rec.peers.delete(peer.id);
      const out = presenceLeave(rec.presence, peer.participantKey);
      if (out.unknown) return;
      rec.lastLeftAt = later(at, rec.lastLeftAt);
      if (out.lastConnection) {
        const p = rec.participants.get(peer.participantKey);
        const reason: StayEndReason = this.stopping ? "restart" : "left";
        if (p) {
          const win = takeWindow(p);
          this.enqueue(rec, "leave", () => this.endStay(rec, p, at, reason, win));
        }
      }
      if (out.roomEmpty) {
        // The session ends with roomClosed (a replaced connection's new join may follow at once).
        rec.emptySince = rec.lastLeftAt;
        rec.emptyReason = this.stopping ? "restart" : "empty";
      }
    } catch (e) {
      this.log.error({ err: e, roomId }, "history: peerLeft failed");
    }
  }

  peerReconnecting(roomId: string, peer: HistoryPeer): void {
    try {
      const rec = this.rooms.get(roomId);
      const p = rec?.participants.get(peer.participantKey);
      if (!rec || !p || !rec.peers.has(peer.id)) return;
      const at = this.leaveTime(peer);
      this.enqueue(rec, "reconnect", async () => {
        p.reconnects += 1;
        if (!p.attendanceId) return;
        await this.db.attendance.update({ where: { id: p.attendanceId }, data: { reconnectCount: p.reconnects } });
        await this.writeEvent(rec, p, at, "reconnecting");
      });
    } catch (e) {
      this.log.error({ err: e, roomId }, "history: peerReconnecting failed");
    }
  }

  peerReconnected(roomId: string, peer: HistoryPeer): void {
    // The stay simply goes on (the reconnect was counted when it began); mark the timeline.
    try {
      const rec = this.rooms.get(roomId);
      const p = rec?.participants.get(peer.participantKey);
      if (!rec || !p) return;
      const at = this.now();
      this.enqueue(rec, "reconnected", () => this.writeEvent(rec, p, at, "reconnected"));
    } catch (e) {
      this.log.error({ err: e, roomId }, "history: peerReconnected failed");
    }
  }

  qualitySample(roomId: string, peerId: string, q: PeerQuality): void {
    try {
      const rec = this.rooms.get(roomId);
      const key = rec?.peers.get(peerId);
      const p = key ? rec!.participants.get(key) : undefined;
      if (!p) return;
      addQualitySample(p.quality, q);
      addQualitySample(p.window, q);
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
      const reason = this.closeAllStays(rec, at);
      this.endSession(rec, rec.emptySince ?? at, reason);
    } catch (e) {
      this.log.error({ err: e, roomId }, "history: roomClosed failed");
    }
  }

  // ---- periodic work ------------------------------------------------------------------

  /** Writes the quality means of attendances that got samples since the last flush. */
  flush(): void {
    for (const rec of this.rooms.values()) {
      for (const p of rec.participants.values()) {
        if (!p.dirty) continue;
        p.dirty = false;
        const at = this.now();
        const win = takeWindow(p);
        this.enqueue(rec, "flush quality", async () => {
          if (!p.attendanceId) return;
          await this.db.attendance.update({ where: { id: p.attendanceId }, data: qualitySummary(p.quality) });
          await this.writePoint(rec, p, at, win);
        });
      }
    }
  }

  /** Refreshes lastSeenAt of every open session and its open attendances. */
  heartbeat(): void {
    const at = this.now();
    for (const rec of [...this.rooms.values()]) {
      if (rec.emptySince) {
        if (at.getTime() - rec.emptySince.getTime() > this.emptyGraceMs) this.endSession(rec, rec.emptySince, rec.emptyReason);
        continue; // nobody is there: nothing is "seen"
      }
      this.enqueue(rec, "heartbeat", async () => {
        if (!rec.sessionId) return;
        await this.db.meetingSession.update({ where: { id: rec.sessionId }, data: { lastSeenAt: at } });
        await this.db.attendance.updateMany({
          where: { sessionId: rec.sessionId, leftAt: null },
          data: { lastSeenAt: at },
        });
      });
    }
  }

  /** Resolves when every write queued so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  /**
   * The server is going down: from now on leaves and closes are interruptions ("restart"),
   * not people leaving. Call before closing the signaling sockets.
   */
  beginShutdown(): void {
    this.stopping = true;
  }

  /**
   * Graceful stop: ends every open session and stay now as interrupted by a restart (so the
   * next start can continue them), stops the timers, waits for the writes.
   */
  async shutdown(): Promise<void> {
    this.beginShutdown();
    const at = this.now();
    for (const rec of [...this.rooms.values()]) {
      const reason = this.closeAllStays(rec, at);
      this.endSession(rec, rec.emptySince ?? at, reason);
    }
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

  // ---- bookkeeping ----------------------------------------------------------------------

  private newRecord(roomId: string, meetingId: string): SessionRecord {
    let queue = this.queues.get(roomId);
    if (!queue) this.queues.set(roomId, (queue = new SerialQueue()));
    return {
      roomId,
      meetingId,
      sessionId: null,
      failed: false,
      continued: false,
      shared: false,
      presence: newPresence(),
      participants: new Map(),
      peers: new Map(),
      queue,
      writtenPeak: 0,
      lastLeftAt: null,
      emptySince: null,
      emptyReason: "empty",
    };
  }

  /** When a leaving peer left: at its disconnect if its grace period ran out, else now. */
  private leaveTime(peer: HistoryPeer): Date {
    const now = this.now();
    const d = peer.disconnectedAt;
    return d instanceof Date && !Number.isNaN(d.getTime()) && d < now ? d : now;
  }

  /** Ends the stay of everyone still present (room closed / shutdown); returns the session's end reason. */
  private closeAllStays(rec: SessionRecord, at: Date): SessionEndReason {
    const present = [...rec.presence.connections.keys()];
    const stay: StayEndReason = this.stopping ? "restart" : "left";
    for (const key of present) {
      const p = rec.participants.get(key);
      if (p) {
        const win = takeWindow(p);
        this.enqueue(rec, "leave", () => this.endStay(rec, p, at, stay, win));
      }
    }
    rec.presence.connections.clear();
    rec.peers.clear();
    if (present.length) return this.stopping ? "restart" : "empty";
    return rec.emptySince ? rec.emptyReason : this.stopping ? "restart" : "empty";
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
    void run.finally(() => {
      this.inflight.delete(run);
      if (rec.queue.size === 0 && !this.rooms.has(rec.roomId) && this.queues.get(rec.roomId) === rec.queue) {
        this.queues.delete(rec.roomId);
      }
    });
  }

  /** Queues the end of `rec`'s session and forgets it (the next join starts or continues one). */
  private endSession(rec: SessionRecord, at: Date, reason: SessionEndReason): void {
    if (this.rooms.get(rec.roomId) === rec) this.rooms.delete(rec.roomId);
    rec.emptySince = null;
    const end = later(at, rec.lastLeftAt);
    this.enqueue(rec, "end session", async () => {
      if (!rec.sessionId || rec.shared) return; // its own node ends it
      await this.db.meetingSession.update({
        where: { id: rec.sessionId },
        data: { endedAt: end, lastSeenAt: end, peakParticipants: Math.max(rec.writtenPeak, rec.presence.peak), endReason: reason },
      });
      // Belt and braces: nothing of an ended session stays open.
      await this.db.attendance.updateMany({
        where: { sessionId: rec.sessionId, leftAt: null },
        data: { leftAt: end, lastSeenAt: end, currentJoinAt: null, endReason: reason === "empty" ? "left" : reason },
      });
    });
  }

  /**
   * `deadNodeId` was declared dead: the sessions this node shares with it become this
   * node's (so closing the dead node's rows as a crash leaves them alone). Returns their ids.
   */
  async takeOver(deadNodeId: string): Promise<string[]> {
    const taken: string[] = [];
    for (const rec of this.rooms.values()) {
      if (!rec.shared || !rec.sessionId) continue;
      const { count } = await this.db.meetingSession
        .updateMany({ where: { id: rec.sessionId, nodeId: deadNodeId, endedAt: null }, data: { nodeId: this.nodeId } })
        .catch(() => ({ count: 0 }));
      if (count === 1) {
        rec.shared = false;
        taken.push(rec.sessionId);
      }
    }
    if (taken.length) this.log.info({ dead: deadNodeId, sessions: taken }, "history: took over the sessions of a dead node");
    return taken;
  }

  // ---- writes (always run inside the room's queue) ---------------------------------------

  /**
   * A new session, or the meeting's latest one reopened: it was interrupted (restart or
   * crash), ended at most `continueWindowMs` ago, and nothing started after it.
   */
  private async openSession(rec: SessionRecord, at: Date): Promise<void> {
    try {
      const latest = () =>
        this.db.meetingSession.findFirst({
          where: { meetingId: rec.meetingId },
          orderBy: [{ startedAt: "desc" }, { id: "desc" }],
          select: { id: true, endedAt: true, endReason: true, peakParticipants: true, nodeId: true },
        });
      let last = await latest();
      if (last && !last.endedAt && last.nodeId !== this.nodeId && this.adoptable && (await this.adoptable(last.nodeId))) {
        // Several nodes: its node died (the room came here before anyone declared it dead):
        // close that node's rows as a crash now, then continue the session below.
        await closeStaleSessions(this.db, { nodeIds: [last.nodeId ?? ""] });
        last = await latest();
      }
      if (last && !last.endedAt && last.nodeId && this.nodeId && last.nodeId !== this.nodeId) {
        // another node's session is still open (its node is alive, or not yet known dead):
        // one meeting, one session — write this node's people into it
        rec.sessionId = last.id;
        rec.continued = true;
        rec.shared = true;
        rec.writtenPeak = last.peakParticipants;
        this.log.info({ roomId: rec.roomId, sessionId: last.id, node: last.nodeId }, "history: sharing another node's open session");
        return;
      }
      const interrupted = last?.endReason === "restart" || last?.endReason === "crash";
      if (last?.endedAt && interrupted && at.getTime() - last.endedAt.getTime() <= this.continueWindowMs) {
        // endedAt not null in the filter: two recorders can't both reopen it.
        const { count } = await this.db.meetingSession.updateMany({
          where: { id: last.id, endedAt: { not: null } },
          data: { endedAt: null, endReason: null, lastSeenAt: at, resumeCount: { increment: 1 }, nodeId: this.nodeId },
        });
        if (count === 1) {
          rec.sessionId = last.id;
          rec.continued = true;
          rec.writtenPeak = last.peakParticipants;
          rec.presence.peak = Math.max(rec.presence.peak, last.peakParticipants);
          this.log.info({ roomId: rec.roomId, sessionId: last.id, interruptedBy: last.endReason }, "history: continuing the interrupted session");
          return;
        }
      }
      const s = await this.db.meetingSession.create({
        data: { meetingId: rec.meetingId, startedAt: at, lastSeenAt: at, peakParticipants: 1, nodeId: this.nodeId },
        select: { id: true },
      });
      rec.sessionId = s.id;
      rec.writtenPeak = 1;
    } catch (e) {
      rec.failed = true; // e.g. the meeting was deleted: record nothing for this session
      throw e;
    }
  }

  private async beginStay(rec: SessionRecord, p: Participant, peer: HistoryPeer, at: Date): Promise<void> {
    const role = roleOf(peer);
    const displayName = peer.displayName.slice(0, 200);
    if (!p.attendanceId) {
      const existing = rec.continued ? await this.findAttendance(rec, p.key) : null;
      if (existing) this.adopt(p, existing);
      else if (!(await this.createAttendance(rec, p, peer, role, displayName, at))) {
        // Someone else wrote the row first (unique per session and person): use it.
        const row = await this.findAttendance(rec, p.key);
        if (!row) throw new Error("attendance row vanished");
        this.adopt(p, row);
      } else {
        p.stayStart = at;
        await this.writeEvent(rec, p, at, "join");
        await this.writePeak(rec, at);
        return;
      }
    }
    // A further join of the same person in this session: the row opens again.
    p.joinCount += 1;
    p.role = higherRole(p.role, role);
    p.stayStart = at;
    await this.db.attendance.update({
      where: { id: p.attendanceId! },
      data: {
        leftAt: null,
        endReason: null,
        currentJoinAt: at,
        lastSeenAt: at,
        joinCount: p.joinCount,
        role: p.role,
        displayName,
      },
    });
    await this.writeEvent(rec, p, at, "join");
    await this.writePeak(rec, at);
  }

  /** A timeline point: the means of the samples since the previous one. */
  private async writePoint(rec: SessionRecord, p: Participant, at: Date, win: QualityAccumulator): Promise<void> {
    if (!p.attendanceId || !rec.sessionId || (win.samples === 0 && win.down.samples === 0)) return;
    const w = qualitySummary(win);
    await this.db.qualityPoint.create({
      data: {
        sessionId: rec.sessionId,
        attendanceId: p.attendanceId,
        at,
        packetLoss: w.meanPacketLoss,
        rttMs: w.meanRttMs,
        sendKbps: w.meanSendKbps,
        recvKbps: w.meanRecvKbps,
        score: w.meanScore,
        downPacketLoss: w.meanDownPacketLoss,
        downJitterMs: w.meanDownJitterMs,
        downScore: w.meanDownScore,
      },
    });
  }

  private async writeEvent(rec: SessionRecord, p: Participant, at: Date, kind: "join" | "leave" | "reconnecting" | "reconnected" | "restart"): Promise<void> {
    if (!p.attendanceId || !rec.sessionId) return;
    await this.db.attendanceEvent.create({ data: { sessionId: rec.sessionId, attendanceId: p.attendanceId, at, kind } });
  }

  private async writePeak(rec: SessionRecord, at: Date): Promise<void> {
    const peak = rec.presence.peak;
    if (peak <= rec.writtenPeak || !rec.sessionId) return;
    rec.writtenPeak = peak;
    await this.db.meetingSession.update({ where: { id: rec.sessionId }, data: { peakParticipants: peak, lastSeenAt: at } });
  }

  private findAttendance(rec: SessionRecord, participantKey: string) {
    return this.db.attendance.findUnique({
      where: { sessionId_participantKey: { sessionId: rec.sessionId!, participantKey } },
    });
  }

  /** Takes over a stored row (a person returning to a continued session). */
  private adopt(p: Participant, row: Attendance): void {
    p.attendanceId = row.id;
    p.inMeetingMs = row.inMeetingMs;
    p.joinCount = row.joinCount;
    p.reconnects = row.reconnectCount;
    p.role = higherRole(row.role, p.role);
    // Samples that arrived before the row was read belong on top of the stored summary.
    p.quality = mergeQuality(qualityFromSummary(row), p.quality);
    // A row still open here was never closed (a crash not yet cleaned up): count up to its last sign of life.
    if (row.currentJoinAt && !row.leftAt) p.inMeetingMs += Math.max(0, row.lastSeenAt.getTime() - row.currentJoinAt.getTime());
  }

  /** Creates the person's row; false when one already exists. */
  private async createAttendance(
    rec: SessionRecord,
    p: Participant,
    peer: HistoryPeer,
    role: AttendanceRole,
    displayName: string,
    at: Date,
  ): Promise<boolean> {
    const data = {
      sessionId: rec.sessionId!,
      userId: peer.userId ?? null,
      participantKey: peer.participantKey,
      displayName,
      isGuest: peer.isGuest,
      role,
      joinedAt: at,
      currentJoinAt: at,
      lastSeenAt: at,
    };
    let row: { id: string };
    try {
      row = await this.db.attendance.create({ data, select: { id: true } });
    } catch (e) {
      if (isUniqueError(e)) return false;
      if (!data.userId || !isForeignKeyError(e)) throw e;
      // The user account is gone (deleted after the token was issued): keep the row anyway.
      row = await this.db.attendance.create({ data: { ...data, userId: null }, select: { id: true } });
    }
    p.attendanceId = row.id;
    p.role = role;
    p.joinCount = 1;
    return true;
  }

  private async endStay(rec: SessionRecord, p: Participant, at: Date, reason: StayEndReason, win: QualityAccumulator): Promise<void> {
    if (!p.attendanceId || !p.stayStart) return;
    await this.writePoint(rec, p, at, win);
    p.inMeetingMs += Math.max(0, at.getTime() - p.stayStart.getTime());
    p.stayStart = null;
    p.dirty = false;
    await this.db.attendance.update({
      where: { id: p.attendanceId },
      data: {
        leftAt: at,
        lastSeenAt: at,
        currentJoinAt: null,
        inMeetingMs: Math.round(p.inMeetingMs),
        endReason: reason,
        ...qualitySummary(p.quality),
      },
    });
    await this.writeEvent(rec, p, at, reason === "left" ? "leave" : "restart");
  }
}

/** The samples since the last timeline point (taken at event time, written in the queue). */
function takeWindow(p: Participant): QualityAccumulator {
  const win = p.window;
  p.window = newQuality();
  return win;
}

function newParticipant(key: string): Participant {
  return {
    key,
    attendanceId: null,
    stayStart: null,
    inMeetingMs: 0,
    joinCount: 0,
    reconnects: 0,
    role: "guest",
    quality: newQuality(),
    window: newQuality(),
    dirty: false,
  };
}

/**
 * Closes sessions and attendances a crash left open, at their last heartbeat (lastSeenAt),
 * marked `endReason = "crash"` (so a join soon after the restart continues the session).
 * Call once at server start, before any room can record (the recorder keeps its state in
 * memory, so everything still open in the database is stale then).
 */
export async function closeStaleSessions(
  db: Db,
  options: { nodeIds?: readonly string[] } = {},
): Promise<{ sessions: number; attendances: number }> {
  // Several nodes: only the rows of these nodes (this one, dead ones) and rows from before
  // node ids existed; another live node's sessions are not stale. One node: all of them.
  const ofNodes = options.nodeIds ? { OR: [{ nodeId: { in: [...options.nodeIds] } }, { nodeId: null }] } : {};
  const openAttendances = await db.attendance.findMany({
    where: { leftAt: null, session: ofNodes },
    select: { id: true, lastSeenAt: true, currentJoinAt: true, inMeetingMs: true },
  });
  for (const a of openAttendances) {
    const stay = a.currentJoinAt ? Math.max(0, a.lastSeenAt.getTime() - a.currentJoinAt.getTime()) : 0;
    await db.attendance.update({
      where: { id: a.id },
      data: { leftAt: a.lastSeenAt, currentJoinAt: null, inMeetingMs: a.inMeetingMs + stay, endReason: "crash" },
    });
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
    await db.meetingSession.update({ where: { id: s.id }, data: { endedAt: end, lastSeenAt: end, endReason: "crash" } });
  }
  return { sessions: openSessions.length, attendances: openAttendances.length };
}
