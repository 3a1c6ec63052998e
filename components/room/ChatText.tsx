// A chat message's text: plain text with http(s) links made clickable. Everything is a React
// text node (escaped); links open in a new tab without giving it a handle on this page.
import { splitLinks } from "@/lib/chat/links";

export function ChatText({ text }: { text: string }) {
  return (
    <>
      {splitLinks(text).map((s, i) =>
        s.kind === "link" ? (
          <a
            key={i}
            href={s.href}
            target="_blank"
            rel="noopener noreferrer"
            className="text-sky-300 underline decoration-sky-300/50 hover:decoration-sky-300"
          >
            {s.text}
          </a>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}
