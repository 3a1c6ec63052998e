// Splits chat text into plain-text runs and links. Only http(s) URLs become links (a
// `javascript:`, `data:` or any other scheme stays text), and the UI renders both as React
// text nodes, so a message can never inject markup or script.

export type ChatSegment = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

// A candidate: an explicit http(s):// URL, or a bare www. host. Stops at whitespace and at
// characters that cannot be part of a URL written in prose.
const CANDIDATE = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'"…]+$/;

/** The href for a URL-looking string, or null unless it is a well-formed http(s) URL. */
export function safeHref(candidate: string): string | null {
  const withScheme = /^www\./i.test(candidate) ? `https://${candidate}` : candidate;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (!url.hostname || url.username || url.password) return null; // no "https://bank@evil.example"
  return url.href;
}

/** Drops punctuation that ends the sentence rather than the URL; keeps balanced parentheses. */
function trimUrl(raw: string): string {
  let s = raw;
  for (;;) {
    const before = s;
    s = s.replace(TRAILING, "");
    if (s.endsWith(")") && count(s, "(") < count(s, ")")) s = s.slice(0, -1);
    if (s.endsWith("]") && count(s, "[") < count(s, "]")) s = s.slice(0, -1);
    if (s === before) return s;
  }
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

export function splitLinks(text: string): ChatSegment[] {
  const out: ChatSegment[] = [];
  let last = 0;
  const push = (t: string) => {
    if (!t) return;
    const prev = out[out.length - 1];
    if (prev?.kind === "text") prev.text += t;
    else out.push({ kind: "text", text: t });
  };
  for (const m of text.matchAll(CANDIDATE)) {
    const start = m.index;
    const raw = trimUrl(m[0]);
    const href = safeHref(raw);
    if (!href) continue;
    push(text.slice(last, start));
    out.push({ kind: "link", text: raw, href });
    last = start + raw.length;
  }
  push(text.slice(last));
  return out;
}
