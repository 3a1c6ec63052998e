// Chat messages into the meeting history: each message a room relays is written as a
// ChatMessage row of the MeetingSession that was live when it was sent, in small batches
// (a chatty room costs one insert every couple of seconds, not one per message), and rows
// older than CHAT_RETENTION_DAYS are deleted (at start, then every few hours).
// Fire-and-forget like the history recorder: a failing write is logged, never thrown into
// the chat path.
import type { Db } from "@/lib/db";
import type { ArchivedChatMessage, ChatArchive } from "@/server/rooms/room-chat";
import type { HistoryLogger } from "./history-recorder";

export const DEFAULT_CHAT_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A message whose session row cannot be found this long after it was sent is dropped. */
const SESSION_WAIT_MS = 60_000;

export interface ChatArchiveOptions {
  db: Db;
  logger: HistoryLogger;
  /** 0: nothing is stored. */
  retentionDays?: number;
  flushIntervalMs?: number;
  purgeIntervalMs?: number;
  now?: () => Date;
  /** Start the flush / purge timers (default true; tests call flush() / purge()). */
  timers?: boolean;
}

export class ChatArchiveWriter implements ChatArchive {
  private readonly db: Db;
  private readonly log: HistoryLogger;
  private readonly retentionDays: number;
  private readonly now: () => Date;
  private pending: ArchivedChatMessage[] = [];
  private flushing: Promise<void> | null = null;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(opts: ChatArchiveOptions) {
    this.db = opts.db;
    this.log = opts.logger;
    this.retentionDays = opts.retentionDays ?? DEFAULT_CHAT_RETENTION_DAYS;
    this.now = opts.now ?? (() => new Date());
    if (opts.timers !== false && this.enabled) {
      const flush = setInterval(() => void this.flush(), opts.flushIntervalMs ?? 2_000);
      const purge = setInterval(() => void this.purge(), opts.purgeIntervalMs ?? 6 * 60 * 60 * 1000);
      flush.unref();
      purge.unref();
      this.timers.push(flush, purge);
    }
  }

  get enabled(): boolean {
    return this.retentionDays > 0;
  }

  record(message: ArchivedChatMessage): void {
    if (this.enabled) this.pending.push(message);
  }

  /** Writes what is pending (one flush at a time); resolves when it is done. */
  flush(): Promise<void> {
    this.flushing ??= this.writePending().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async writePending(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (!batch.length) return;
    const byMeeting = new Map<string, ArchivedChatMessage[]>();
    for (const m of batch) byMeeting.set(m.meetingId, [...(byMeeting.get(m.meetingId) ?? []), m]);
    for (const [meetingId, messages] of byMeeting) {
      try {
        await this.writeMeeting(meetingId, messages);
      } catch (err) {
        this.log.error({ err, meetingId, messages: messages.length }, "chat archive: write failed; messages dropped");
      }
    }
  }

  private async writeMeeting(meetingId: string, messages: ArchivedChatMessage[]): Promise<void> {
    // Sessions of one meeting never overlap, so a message belongs to the one live at sentAt.
    const sessions = await this.db.meetingSession.findMany({
      where: {
        meetingId,
        startedAt: { lte: new Date(messages[messages.length - 1].sentAt) },
        OR: [{ endedAt: null }, { endedAt: { gte: new Date(messages[0].sentAt) } }],
      },
      select: { id: true, startedAt: true, endedAt: true },
      orderBy: { startedAt: "desc" },
    });
    const rows = [];
    for (const m of messages) {
      const at = new Date(m.sentAt);
      const session = sessions.find((s) => s.startedAt <= at && (!s.endedAt || s.endedAt >= at));
      if (session) {
        rows.push({ id: m.id, sessionId: session.id, senderKey: m.senderKey, senderName: m.fromName, text: m.text, sentAt: at });
      } else if (this.now().getTime() - m.sentAt < SESSION_WAIT_MS) {
        this.pending.push(m); // the history recorder has not written the session row yet
      } else {
        this.log.warn({ meetingId, messageId: m.id }, "chat archive: no meeting session for a message; dropped");
      }
    }
    if (rows.length) await this.db.chatMessage.createMany({ data: rows });
  }

  /** Deletes messages older than the retention period; returns how many. */
  async purge(): Promise<number> {
    if (!this.enabled) return 0;
    try {
      const before = new Date(this.now().getTime() - this.retentionDays * DAY_MS);
      const { count } = await this.db.chatMessage.deleteMany({ where: { sentAt: { lt: before } } });
      if (count) this.log.info({ count, retentionDays: this.retentionDays }, "chat archive: deleted expired messages");
      return count;
    } catch (err) {
      this.log.error({ err }, "chat archive: purge failed");
      return 0;
    }
  }

  /** Server shutdown: writes what is pending and stops the timers. */
  async shutdown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    await this.flush();
    if (this.pending.length) await this.flush(); // messages waiting for their session row
  }
}
