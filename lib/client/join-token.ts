// Fetches a signed join token for a room. Kept as one small function so it can grow
// (invite tokens, signed-in sessions) without touching the room logic.

export interface JoinTokenOptions {
  displayName?: string;
  inviteToken?: string;
  /** From an earlier join: the route keeps this participant's identity. */
  rejoinTicket?: string;
  /** Several nodes: the signaling URL this client just failed to reach (its node may be dead). */
  unreachable?: string;
  signal?: AbortSignal;
}

export interface JoinToken {
  token: string;
  /** ISO date or epoch ms, as the route returns it. */
  expiresAt: string | number;
  /** When this client received it (Date.now()), to decide when to refetch. */
  fetchedAt: number;
  /** The name the server suggests (signed-in users), read from the token's claims. */
  name?: string;
  /** Where to open the signaling socket when the room lives on another node (multi-node). */
  signalingUrl?: string;
}

/** Reads the unverified `name` claim of a JWT (display only; the server verifies tokens). */
function claimedName(token: string): string | undefined {
  try {
    const part = token.split(".")[1];
    const binary = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const json = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return typeof json.name === "string" ? json.name : undefined;
  } catch {
    return undefined;
  }
}

export class JoinTokenError extends Error {
  /** HTTP status, or 0 when the server could not be reached. */
  readonly status: number;
  /** The route's error code, e.g. "display_name_required". */
  readonly code?: string;
  /** The route's own (user-facing) message, when it sent one. */
  readonly serverMessage?: string;
  constructor(status: number, message: string, code?: string, serverMessage?: string) {
    super(message);
    this.name = "JoinTokenError";
    this.status = status;
    this.code = code;
    this.serverMessage = serverMessage;
  }
}

/** Tokens live 10 min; refetch before joining when older than this. */
export const JOIN_TOKEN_MAX_AGE_MS = 5 * 60_000;

export async function fetchJoinToken(roomId: string, opts: JoinTokenOptions = {}): Promise<JoinToken> {
  const body: Record<string, string> = {};
  if (opts.displayName?.trim()) body.displayName = opts.displayName.trim();
  if (opts.inviteToken) body.inviteToken = opts.inviteToken;
  if (opts.rejoinTicket) body.rejoinTicket = opts.rejoinTicket;
  if (opts.unreachable) body.unreachable = opts.unreachable;
  let res: Response;
  try {
    res = await fetch(`/api/rooms/${encodeURIComponent(roomId)}/join-token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new JoinTokenError(0, "cannot reach the server");
  }
  let json: Record<string, unknown> = {};
  try {
    json = await res.json();
  } catch {
    // non-JSON error page: keep the status only
  }
  if (!res.ok || typeof json.token !== "string") {
    const err = json.error as { code?: string; message?: string } | string | undefined;
    const serverMessage = typeof err === "string" ? err : err?.message;
    throw new JoinTokenError(
      res.ok ? 500 : res.status,
      serverMessage ?? `join token request failed (${res.status})`,
      typeof err === "object" ? err?.code : undefined,
      serverMessage,
    );
  }
  return {
    token: json.token,
    expiresAt: json.expiresAt as string | number,
    fetchedAt: Date.now(),
    name: claimedName(json.token),
    ...(typeof json.signalingUrl === "string" && /^wss?:\/\//.test(json.signalingUrl) ? { signalingUrl: json.signalingUrl } : {}),
  };
}
