// A room's text chat: checks and rate-limits what people send, relays it to everyone joined,
// keeps the last CHAT_HISTORY_LIMIT messages for late joiners and reconnecting people, and
// hands each message to the archive (stored with the meeting session's history).
import { randomUUID } from "node:crypto";
import { CHAT_HISTORY_LIMIT, CHAT_MAX_LENGTH, type ChatMessage } from "../../lib/signaling/protocol";
import { checkChatText } from "../../lib/chat/text";
import { TokenBucket } from "../util/token-bucket";
import { fail } from "./errors";
import type { Peer } from "./peer";

/** Sustained messages per second per person, and the burst allowed on top (a quick reply run). */
export const CHAT_PER_SECOND = 1;
export const CHAT_BURST = 5;

/** A message as the archive gets it: who sent it (stable identity) and for which meeting. */
export type ArchivedChatMessage = ChatMessage & {
  roomId: string;
  meetingId: string;
  /** The sender's participantKey (user id or guest key). */
  senderKey: string;
};

/** Where chat messages go to be kept (fire-and-forget: never delays or fails a send). */
export interface ChatArchive {
  record(message: ArchivedChatMessage): void;
}

export type RoomChatOptions = {
  roomId: string;
  archive?: ChatArchive;
  now?: () => number;
  perSecond?: number;
  burst?: number;
};

export class RoomChat {
  private readonly messages: ChatMessage[] = [];
  /** participantKey -> bucket: a rejoin (new peer id) does not refill it. */
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly now: () => number;

  constructor(private readonly opts: RoomChatOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Accepts `text` from `from` and relays it to `recipients` (everyone else joined).
   * Fails NOT_JOINED before join, BAD_REQUEST for empty / too long, RATE_LIMITED when the
   * person sends faster than CHAT_PER_SECOND (after a CHAT_BURST).
   */
  send(from: Peer, text: string, recipients: Iterable<Peer>): ChatMessage {
    if (!from.joined) fail("NOT_JOINED", "join the meeting before chatting");
    const checked = checkChatText(text);
    if (!checked.ok) {
      fail("BAD_REQUEST", checked.reason === "empty" ? "message is empty" : `message: at most ${CHAT_MAX_LENGTH} characters`);
    }
    if (!this.bucket(from.participantKey).take()) {
      fail("RATE_LIMITED", "you are sending messages too fast; wait a moment");
    }
    const message: ChatMessage = {
      id: randomUUID(),
      fromPeerId: from.id,
      fromName: from.displayName.slice(0, 64),
      text: (checked as { text: string }).text,
      sentAt: this.now(),
    };
    this.messages.push(message);
    if (this.messages.length > CHAT_HISTORY_LIMIT) this.messages.splice(0, this.messages.length - CHAT_HISTORY_LIMIT);
    for (const peer of recipients) if (peer !== from) peer.notify("chatMessage", message);
    if (from.meetingId && this.opts.archive) {
      try {
        this.opts.archive.record({
          ...message,
          roomId: this.opts.roomId,
          meetingId: from.meetingId,
          senderKey: from.participantKey,
        });
      } catch {
        // the archive logs its own failures; chat goes on
      }
    }
    return message;
  }

  /** The last CHAT_HISTORY_LIMIT messages, oldest first. */
  history(): ChatMessage[] {
    return [...this.messages];
  }

  private bucket(key: string): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(this.opts.perSecond ?? CHAT_PER_SECOND, this.opts.burst ?? CHAT_BURST, this.now);
      this.buckets.set(key, b);
    }
    return b;
  }
}
