// The public origin (scheme://host[:port]) for absolute links such as invite URLs.
// PUBLIC_URL (or NEXTAUTH_URL) wins; otherwise it comes from the request's
// X-Forwarded-Proto / X-Forwarded-Host / Host headers (Next sets them in-process).
type HeaderGetter = { get(name: string): string | null };

function fromEnv(): string | null {
  const raw = process.env.PUBLIC_URL || process.env.NEXTAUTH_URL;
  if (!raw) return null;
  try {
    return new URL(raw).origin;
  } catch {
    return null;
  }
}

export function originFromHeaders(h: HeaderGetter): string {
  const env = fromEnv();
  if (env) return env;
  const host = (h.get("x-forwarded-host") ?? h.get("host") ?? "localhost").split(",")[0].trim();
  const proto = (h.get("x-forwarded-proto") ?? "http").split(",")[0].trim() === "https" ? "https" : "http";
  // Host header values are untrusted: keep only host[:port] characters.
  const safeHost = /^[A-Za-z0-9.\-\[\]:]+$/.test(host) ? host : "localhost";
  return `${proto}://${safeHost}`;
}

/** For server components / actions. */
export async function requestOrigin(): Promise<string> {
  const { headers } = await import("next/headers");
  return originFromHeaders(await headers());
}
