// The chat of one meeting session, for its admin page (oldest first, capped).
import type { Db } from "@/lib/db";

export const SESSION_CHAT_LIMIT = 2000;

export type SessionChatMessage = { id: string; senderName: string; senderKey: string; text: string; sentAt: Date };

export async function getSessionChat(
  db: Db,
  sessionId: string,
  limit = SESSION_CHAT_LIMIT,
): Promise<{ messages: SessionChatMessage[]; total: number }> {
  const [messages, total] = await Promise.all([
    db.chatMessage.findMany({
      where: { sessionId },
      orderBy: [{ sentAt: "asc" }, { id: "asc" }],
      take: limit,
      select: { id: true, senderName: true, senderKey: true, text: true, sentAt: true },
    }),
    db.chatMessage.count({ where: { sessionId } }),
  ]);
  return { messages, total };
}
