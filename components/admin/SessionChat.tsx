// The "Chat" section of /admin/sessions/[id]: what people wrote, as plain text (React escapes
// it; no links either, an admin page is no place to click what guests wrote).
import { prisma } from "@/lib/db";
import { getSessionChat } from "@/lib/admin/session-chat";
import { LocalTime } from "@/components/ui/LocalTime";

export async function SessionChat({ sessionId }: { sessionId: string }) {
  const { messages, total } = await getSessionChat(prisma, sessionId);
  return (
    <section aria-labelledby="session-chat-title" data-testid="session-chat" className="space-y-3">
      <h2 id="session-chat-title" className="text-lg font-semibold">
        Chat <span className="text-sm font-normal text-slate-400">({total} {total === 1 ? "message" : "messages"})</span>
      </h2>
      {messages.length === 0 ? (
        <p className="text-sm text-slate-400">Nobody wrote in the chat (or it is past the retention period).</p>
      ) : (
        <ol className="divide-y divide-slate-800 rounded-lg border border-slate-800">
          {messages.map((m) => (
            <li key={m.id} data-testid="session-chat-message" data-from={m.senderName} className="px-3 py-2 text-sm">
              <p className="flex gap-3 text-xs text-slate-400">
                <span className="font-medium text-slate-200">{m.senderName}</span>
                <LocalTime iso={m.sentAt.toISOString()} />
              </p>
              <p className="mt-1 whitespace-pre-wrap break-words">{m.text}</p>
            </li>
          ))}
        </ol>
      )}
      {total > messages.length && (
        <p className="text-xs text-slate-400">Showing the first {messages.length} of {total} messages.</p>
      )}
    </section>
  );
}
