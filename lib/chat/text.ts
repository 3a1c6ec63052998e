// Chat text rules shared by the server (what is accepted and stored) and the browser (what
// the input allows). Messages are plain text: nothing here ever becomes HTML.
import { CHAT_MAX_LENGTH } from "@/lib/signaling/protocol";

// C0/C1 control characters except tab and newline, plus the bidi embedding/override/isolate
// controls that can make a message display as something else than it says ("Trojan Source").
const STRIPPED = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Line endings unified, invisible control characters removed, outer whitespace trimmed. */
export function normalizeChatText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(STRIPPED, "").replace(/\n{4,}/g, "\n\n\n").trim();
}

export type ChatTextCheck = { ok: true; text: string } | { ok: false; reason: "empty" | "too-long" };

/** What the server accepts: non-empty after normalization and at most CHAT_MAX_LENGTH. */
export function checkChatText(raw: string): ChatTextCheck {
  const text = normalizeChatText(raw);
  if (!text) return { ok: false, reason: "empty" };
  if (text.length > CHAT_MAX_LENGTH) return { ok: false, reason: "too-long" };
  return { ok: true, text };
}
