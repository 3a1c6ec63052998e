"use client";
// The room chat: the messages (a live log for screen readers), and a box to write in. Enter
// sends, Shift+Enter starts a new line; what the server refuses (too fast, too long) is said
// under the box and the text stays there.
import { useEffect, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import type { RoomSession } from "@/lib/client/room-session";
import type { ChatState } from "@/lib/client/chat-state";
import { CHAT_MAX_LENGTH } from "@/lib/signaling/protocol";
import { ChatText } from "./ChatText";
import { SendIcon } from "./icons";
import { SidePanel } from "./SidePanel";
import { focusRing } from "./styles";

export const CHAT_PANEL_ID = "room-chat-panel";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

export function ChatPanel({ session, chat, onClose }: { session: RoomSession; chat: ChatState; onClose: () => void }) {
  const [text, setText] = useState("");
  const [sending, setSending] = useState(false);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const stickToBottom = useRef(true);

  // Follow new messages unless the person scrolled up to read older ones.
  useLayoutEffect(() => {
    const el = listRef.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [chat.messages.length]);

  useEffect(() => {
    if (!sending) inputRef.current?.focus();
  }, [sending]);

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    if (sending || !text.trim()) return;
    setSending(true);
    stickToBottom.current = true;
    const ok = await session.chat.send(text);
    if (ok) setText("");
    setSending(false);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  const nearLimit = text.length > CHAT_MAX_LENGTH - 200;

  return (
    <SidePanel id={CHAT_PANEL_ID} testId="chat-panel" title="Chat" onClose={onClose} initialFocus={inputRef}>
      <div className="flex h-full flex-col">
        <ol
          ref={listRef}
          role="log"
          aria-label="Chat messages"
          aria-live="polite"
          aria-relevant="additions"
          onScroll={(e) => {
            const el = e.currentTarget;
            stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
          }}
          className="min-h-0 flex-1 space-y-3 overflow-y-auto px-4 py-3"
        >
          {chat.messages.length === 0 && (
            <li className="text-sm text-slate-400">No messages yet. Messages are visible to everyone in the meeting.</li>
          )}
          {chat.messages.map((m) => (
            <li key={m.id} data-testid="chat-message" data-from={m.fromName} data-mine={m.mine ? "true" : "false"} className="text-sm">
              <p className="flex items-baseline gap-2 text-xs text-slate-400">
                <span className={`font-medium ${m.mine ? "text-sky-300" : "text-slate-200"}`}>
                  {m.fromName}
                  {m.mine && " (you)"}
                </span>
                <time dateTime={new Date(m.sentAt).toISOString()}>{timeFormat.format(m.sentAt)}</time>
              </p>
              <p className="mt-0.5 whitespace-pre-wrap break-words text-slate-100">
                <ChatText text={m.text} />
              </p>
            </li>
          ))}
        </ol>
        <form onSubmit={send} className="border-t border-white/10 p-3">
          <label htmlFor="chat-input" className="sr-only">
            Message everyone
          </label>
          <div className="flex items-end gap-2">
            <textarea
              id="chat-input"
              ref={inputRef}
              data-testid="chat-input"
              rows={2}
              value={text}
              maxLength={CHAT_MAX_LENGTH}
              placeholder="Message everyone"
              aria-invalid={chat.error ? true : undefined}
              aria-describedby={[chat.error ? "chat-error" : "", nearLimit ? "chat-count" : ""].filter(Boolean).join(" ") || undefined}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={onKeyDown}
              className={`min-h-10 flex-1 resize-none rounded-lg border border-white/15 bg-slate-900 px-3 py-2 text-sm ${focusRing}`}
            />
            <button
              type="submit"
              data-testid="chat-send"
              disabled={sending || !text.trim()}
              aria-label="Send message"
              title="Send (Enter)"
              className={`flex size-10 items-center justify-center rounded-lg bg-sky-600 text-white hover:bg-sky-500 disabled:cursor-not-allowed disabled:opacity-50 ${focusRing}`}
            >
              <SendIcon />
            </button>
          </div>
          {nearLimit && (
            <p id="chat-count" className="mt-1 text-right text-xs text-slate-400">
              {text.length} / {CHAT_MAX_LENGTH}
            </p>
          )}
          {chat.error && (
            <p id="chat-error" role="alert" data-testid="chat-error" className="mt-1 text-xs text-red-300">
              {chat.error}
            </p>
          )}
        </form>
      </div>
    </SidePanel>
  );
}
