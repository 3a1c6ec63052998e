// Who may open a signaling socket, decided before the WebSocket upgrade:
// - the Origin must be the site's own (same host as the request, PUBLIC_URL, or an entry of
//   the ALLOWED_ORIGINS list for embedding). No Origin header = not a browser page (bots,
//   load tools): allowed, since cross-site abuse needs a browser's ambient credentials;
// - sockets that have not presented a valid join token yet are capped per client address
//   and in total, so a flood of idle sockets cannot eat the server.
import type { IncomingMessage } from "node:http";

export type UpgradePolicyOptions = {
  /** Extra origins (scheme://host[:port]) allowed to open sockets, e.g. a site embedding us. */
  allowedOrigins?: readonly string[];
  /** The site's public origin (PUBLIC_URL), when it differs from the Host the request names. */
  publicOrigin?: string;
  /** Several nodes: origins of the site's other nodes (a page of node A opening /ws on node B). */
  isSiteOrigin?: (origin: string) => boolean;
  /** Honour x-forwarded-host / x-forwarded-for (behind a trusted reverse proxy). */
  trustProxy?: boolean;
  maxUnauthenticatedPerIp: number;
  maxUnauthenticated: number;
};

export const DEFAULT_MAX_UNAUTHENTICATED_PER_IP = 50;
export const DEFAULT_MAX_UNAUTHENTICATED = 2_000;

export type UpgradeRefusal = { status: 403 | 429 | 503; message: string };

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin : null;
  } catch {
    return null;
  }
}

function first(header: string | string[] | undefined): string | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  return v?.split(",")[0]?.trim() || undefined;
}

export class UpgradePolicy {
  private readonly allowed: Set<string>;
  private readonly unauthenticatedByIp = new Map<string, number>();
  private unauthenticated = 0;

  constructor(private readonly options: UpgradePolicyOptions) {
    this.allowed = new Set(
      [...(options.allowedOrigins ?? []), ...(options.publicOrigin ? [options.publicOrigin] : [])]
        .map((o) => originOf(o))
        .filter((o): o is string => o !== null),
    );
  }

  /** The client address used for the per-address cap (and logs). */
  clientAddress(req: IncomingMessage): string {
    if (this.options.trustProxy) {
      const forwarded = first(req.headers["x-forwarded-for"]);
      if (forwarded) return forwarded;
    }
    return req.socket.remoteAddress ?? "";
  }

  private originAllowed(req: IncomingMessage): boolean {
    const raw = req.headers.origin;
    if (raw === undefined) return true;
    const origin = originOf(raw);
    if (!origin) return false;
    if (this.allowed.has(origin) || this.options.isSiteOrigin?.(origin)) return true;
    const host = (this.options.trustProxy && first(req.headers["x-forwarded-host"])) || req.headers.host;
    return !!host && new URL(origin).host.toLowerCase() === host.toLowerCase();
  }

  /** Null when the upgrade may go ahead (and counts it as unauthenticated); else why not. */
  admit(req: IncomingMessage): UpgradeRefusal | null {
    if (!this.originAllowed(req)) {
      return { status: 403, message: `origin ${String(req.headers.origin).slice(0, 100)} may not open signaling sockets` };
    }
    const ip = this.clientAddress(req);
    if (this.unauthenticated >= this.options.maxUnauthenticated) {
      return { status: 503, message: "too many connections are waiting to authenticate; try again shortly" };
    }
    const mine = this.unauthenticatedByIp.get(ip) ?? 0;
    if (mine >= this.options.maxUnauthenticatedPerIp) {
      return { status: 429, message: "too many unauthenticated connections from your address" };
    }
    this.unauthenticatedByIp.set(ip, mine + 1);
    this.unauthenticated++;
    return null;
  }

  /** An admitted socket authenticated or closed: it no longer counts against the caps. */
  release(ip: string): void {
    const mine = this.unauthenticatedByIp.get(ip) ?? 0;
    if (mine <= 1) this.unauthenticatedByIp.delete(ip);
    else this.unauthenticatedByIp.set(ip, mine - 1);
    if (this.unauthenticated > 0) this.unauthenticated--;
  }

  get waiting(): number {
    return this.unauthenticated;
  }
}
